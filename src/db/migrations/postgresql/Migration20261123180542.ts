import { Migration } from '@mikro-orm/migrations';

export class Migration20261123180542 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "workspace" ("id" varchar(24) not null, "name" varchar(255) not null, "created_at" timestamptz not null, constraint "workspace_pkey" primary key ("id"));`);
    this.addSql(`alter table "workspace" add constraint "workspace_name_unique" unique ("name");`);

    this.addSql(`create table "app_user" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "login" varchar(255) not null, "first_name" varchar(255) null, "last_name" varchar(255) null, "display_name" varchar(255) not null, "email" varchar(255) null, "phone_number" varchar(255) null, "job_title" varchar(255) null, "department" varchar(255) null, "organization_name" varchar(255) null, "location" varchar(255) null, "user_type" varchar(255) null, "status" varchar(255) not null default 'Active', "employee_number" varchar(255) null, "manager_login" varchar(255) null, "home_address_line1" varchar(255) null, "home_address_line2" varchar(255) null, "home_address_city" varchar(255) null, "home_address_state" varchar(255) null, "home_address_zipcode" varchar(255) null, "home_address_country" varchar(255) null, "office_address_line1" varchar(255) null, "office_address_line2" varchar(255) null, "office_address_city" varchar(255) null, "office_address_state" varchar(255) null, "office_address_zipcode" varchar(255) null, "office_address_country" varchar(255) null, "create_date" varchar(255) null, "provisioned_date" varchar(255) null, "logo_url" varchar(255) null, "created_on" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`create index "app_user_workspace_id_index" on "app_user" ("workspace_id");`);
    this.addSql(`create index "app_user_workspace_id_display_name_index" on "app_user" ("workspace_id", "display_name");`);
    this.addSql(`create index "app_user_workspace_id_manager_login_index" on "app_user" ("workspace_id", "manager_login");`);
    this.addSql(`alter table "app_user" add constraint "app_user_workspace_id_login_unique" unique ("workspace_id", "login");`);

    this.addSql(`create table "target_system" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "display_name" varchar(255) not null, "description" text null, "integration_level" varchar(255) not null default 'Disconnected', "trusted_reconciliation" boolean not null default false, "form" jsonb null, "schedule" jsonb null, "logo_url" varchar(255) null, "application_url" varchar(255) null, "authentication_type" varchar(255) null, "business_owner_login" varchar(255) null, "it_owner_login" varchar(255) null, "performer" varchar(255) null, "approver1" varchar(255) null, "approver2" varchar(255) null, "approver3" varchar(255) null, "approval_workflow" varchar(255) null, "approval_workflow_display_name" varchar(255) null, "risk_level" varchar(255) null, "search_tags" varchar(255) null, "is_requestable" boolean not null default true, "is_credential_manager" boolean not null default false, "is_certifiable" boolean null, "disabled" boolean not null default false, "retired" boolean not null default false, "workflow_request_form_id" varchar(255) null, "stale_check_enabled" boolean null, "stale_days" int null, "created_on" timestamptz not null, "updated_on" timestamptz null, "connector_type" varchar(16) not null default 'DISCONNECTED', "connector_base_url" varchar(255) null, "connector_token" text null, constraint "target_system_pkey" primary key ("id"));`);
    this.addSql(`create index "target_system_workspace_id_index" on "target_system" ("workspace_id");`);
    this.addSql(`create index "target_system_workspace_id_display_name_index" on "target_system" ("workspace_id", "display_name");`);
    this.addSql(`alter table "target_system" add constraint "target_system_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(`create table "user_account" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "user_id" varchar(24) not null, "target_system_id" varchar(24) not null, "login" varchar(255) not null, "status" varchar(255) not null default 'Provisioned', "provision_mechanism" varchar(255) null, "provisioned_date" timestamptz null, "form" jsonb null, "logo_url" varchar(255) null, constraint "user_account_pkey" primary key ("id"));`);
    this.addSql(`create index "user_account_workspace_id_index" on "user_account" ("workspace_id");`);
    this.addSql(`create index "user_account_target_system_id_login_index" on "user_account" ("target_system_id", "login");`);
    this.addSql(`create index "user_account_user_id_index" on "user_account" ("user_id");`);

    this.addSql(`create table "scim_user" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "user_name" varchar(255) not null, "user_name_key" varchar(255) not null, "external_id" varchar(255) null, "active" boolean not null default true, "display_name" varchar(255) not null, "nick_name" varchar(255) null, "family_name" varchar(255) null, "formatted" varchar(255) null, "given_name" varchar(255) null, "honorific_prefix" varchar(255) null, "honorific_suffix" varchar(255) null, "middle_name" varchar(255) null, "emails" jsonb not null, "user_type" varchar(16) not null default 'USER', "schemas" jsonb not null, "attributes" jsonb not null, "version" int not null default 1, "created_at" timestamptz not null, "last_modified" timestamptz not null, "user_id" varchar(24) null, constraint "scim_user_pkey" primary key ("id"));`);
    this.addSql(`create index "scim_user_workspace_id_index" on "scim_user" ("workspace_id");`);
    this.addSql(`create index "scim_user_user_id_index" on "scim_user" ("user_id");`);
    this.addSql(`create index "scim_user_workspace_id_external_id_index" on "scim_user" ("workspace_id", "external_id");`);
    this.addSql(`alter table "scim_user" add constraint "scim_user_workspace_id_user_name_key_unique" unique ("workspace_id", "user_name_key");`);

    this.addSql(`create table "scim_user_email" ("id" varchar(24) not null, "scim_user_id" varchar(24) not null, "value_key" varchar(255) not null, "type_key" varchar(255) null, "is_primary" boolean not null default false, constraint "scim_user_email_pkey" primary key ("id"));`);
    this.addSql(`create index "scim_user_email_scim_user_id_index" on "scim_user_email" ("scim_user_id");`);
    this.addSql(`create index "scim_user_email_value_key_index" on "scim_user_email" ("value_key");`);

    this.addSql(`create table "role" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "display_name" varchar(255) not null, "description" text null, "rule" text null, "rule_form" text null, "is_certifiable" boolean null, "is_requestable" boolean not null default true, "disabled" boolean not null default false, "retired" boolean not null default false, "approval_workflow" varchar(255) null, "approval_workflow_display_name" varchar(255) null, "approver1" varchar(255) null, "approver2" varchar(255) null, "approver3" varchar(255) null, "performer" varchar(255) null, "risk_level" varchar(255) null, "search_tags" varchar(255) null, "workflow_request_form_id" varchar(255) null, "role_owner_login" varchar(255) null, "created_on" timestamptz not null, constraint "role_pkey" primary key ("id"));`);
    this.addSql(`create index "role_workspace_id_index" on "role" ("workspace_id");`);
    this.addSql(`create index "role_workspace_id_display_name_index" on "role" ("workspace_id", "display_name");`);
    this.addSql(`alter table "role" add constraint "role_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(`create table "scim_user_role" ("id" varchar(24) not null, "scim_user_id" varchar(24) not null, "kind" varchar(8) not null, "value" varchar(255) not null, "display" varchar(255) null, "role_id" varchar(24) null, "position" int not null default 0, constraint "scim_user_role_pkey" primary key ("id"));`);
    this.addSql(`create index "scim_user_role_scim_user_id_index" on "scim_user_role" ("scim_user_id");`);
    this.addSql(`create index "scim_user_role_role_id_kind_index" on "scim_user_role" ("role_id", "kind");`);

    this.addSql(`create table "role_member" ("id" varchar(24) not null, "role_id" varchar(24) not null, "user_id" varchar(24) not null, "source" varchar(16) not null, "created_at" timestamptz not null, constraint "role_member_pkey" primary key ("id"));`);
    this.addSql(`create index "role_member_user_id_index" on "role_member" ("user_id");`);
    this.addSql(`alter table "role_member" add constraint "role_member_role_id_user_id_source_unique" unique ("role_id", "user_id", "source");`);

    this.addSql(`create table "reconciliation_batch" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "target_system_id" varchar(24) not null, "target_system_name" varchar(255) not null, "tenant_name" varchar(255) not null, "operation" varchar(16) not null, "entity_type" varchar(16) not null, "resource_type" varchar(255) not null, "condition" varchar(255) null, "dry_run" boolean not null default false, "status" varchar(16) not null default 'Initiated', "start_date" timestamptz not null, "end_date" timestamptz null, "error" text null, "event_count" int not null default 0, "counts" jsonb not null, constraint "reconciliation_batch_pkey" primary key ("id"));`);
    this.addSql(`create index "reconciliation_batch_workspace_id_index" on "reconciliation_batch" ("workspace_id");`);
    this.addSql(`create index "reconciliation_batch_workspace_id_target_system_id_deba5_index" on "reconciliation_batch" ("workspace_id", "target_system_id", "start_date");`);

    this.addSql(`create table "reconciliation_mark" ("batch_id" varchar(24) not null, "object_id" varchar(24) not null, constraint "reconciliation_mark_pkey" primary key ("batch_id", "object_id"));`);

    this.addSql(`create table "reconciliation_event" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "batch_id" varchar(24) not null, "row_number" int not null, "resource_type" varchar(16) not null, "event_type" varchar(255) not null, "status" varchar(48) not null, "resource_id" text null, "resource_name" text null, "resource_display_name" text null, "user_id" varchar(24) null, "user_account_id" varchar(24) null, "entitlement_id" varchar(24) null, "applied" boolean not null, "diff" jsonb null, "resource_from_target_system" jsonb null, "message" text null, "create_date" timestamptz not null, constraint "reconciliation_event_pkey" primary key ("id"));`);
    this.addSql(`create index "reconciliation_event_workspace_id_index" on "reconciliation_event" ("workspace_id");`);
    this.addSql(`create index "reconciliation_event_batch_id_status_row_number_index" on "reconciliation_event" ("batch_id", "status", "row_number");`);
    this.addSql(`create index "reconciliation_event_batch_id_row_number_index" on "reconciliation_event" ("batch_id", "row_number");`);

    this.addSql(`create table "identity_profile" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "description" text null, "owner_id" varchar(24) null, "priority" int not null, "authoritative_source_id" varchar(24) not null, "identity_refresh_required" boolean not null default false, "identity_attribute_config" jsonb not null, "identity_exception_report_reference" jsonb null, "has_time_based_attr" boolean not null default true, "created" timestamptz not null, "modified" timestamptz not null, constraint "identity_profile_pkey" primary key ("id"));`);
    this.addSql(`create index "identity_profile_workspace_id_index" on "identity_profile" ("workspace_id");`);
    this.addSql(`create index "identity_profile_owner_id_index" on "identity_profile" ("owner_id");`);
    this.addSql(`create index "identity_profile_authoritative_source_id_index" on "identity_profile" ("authoritative_source_id");`);
    this.addSql(`alter table "identity_profile" add constraint "identity_profile_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(`create table "workflow_history" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "subject_type" varchar(16) not null, "subject_id" varchar(24) not null, "timestamp" timestamptz not null, "perpetrator" varchar(255) not null, "action" varchar(255) not null, "from_status" varchar(255) null, "to_status" varchar(255) null, "comment" text null, "diff" jsonb null, "snapshot" jsonb null, constraint "workflow_history_pkey" primary key ("id"));`);
    this.addSql(`create index "workflow_history_workspace_id_index" on "workflow_history" ("workspace_id");`);
    this.addSql(`create index "workflow_history_subject_id_timestamp_index" on "workflow_history" ("subject_id", "timestamp");`);

    this.addSql(`create table "entitlement" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "target_system_id" varchar(24) not null, "name" varchar(255) not null, "display_name" varchar(255) not null, "description" text null, "performer" varchar(255) null, "risk_level" varchar(255) null, "it_owner_login" varchar(255) null, "business_owner_login" varchar(255) null, "search_tags" varchar(255) null, "approval_workflow" varchar(255) null, "approval_workflow_display_name" varchar(255) null, "is_requestable" boolean not null default true, "disabled" boolean not null default false, "retired" boolean not null default false, "created_on" timestamptz not null, constraint "entitlement_pkey" primary key ("id"));`);
    this.addSql(`create index "entitlement_workspace_id_index" on "entitlement" ("workspace_id");`);
    this.addSql(`create index "entitlement_target_system_id_index" on "entitlement" ("target_system_id");`);
    this.addSql(`create index "entitlement_workspace_id_display_name_index" on "entitlement" ("workspace_id", "display_name");`);

    this.addSql(`create table "role_entitlement" ("role_id" varchar(24) not null, "entitlement_id" varchar(24) not null, constraint "role_entitlement_pkey" primary key ("role_id", "entitlement_id"));`);
    this.addSql(`create index "role_entitlement_entitlement_id_index" on "role_entitlement" ("entitlement_id");`);

    this.addSql(`create table "entitlement_assignment" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "account_id" varchar(24) not null, "entitlement_id" varchar(24) not null, "status" varchar(255) not null default 'Provisioned', "provision_mechanism" varchar(255) null, "provisioned_date" timestamptz null, constraint "entitlement_assignment_pkey" primary key ("id"));`);
    this.addSql(`create index "entitlement_assignment_workspace_id_index" on "entitlement_assignment" ("workspace_id");`);
    this.addSql(`create index "entitlement_assignment_entitlement_id_index" on "entitlement_assignment" ("entitlement_id");`);
    this.addSql(`alter table "entitlement_assignment" add constraint "entitlement_assignment_account_id_entitlement_id_unique" unique ("account_id", "entitlement_id");`);

    this.addSql(`create table "enrollment_automation" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "user_identity_id" varchar(24) not null, "credential_manager_id" varchar(24) not null, "credential_manager_acs_user_id" varchar(24) null, "acs_credential_pool_id" varchar(36) null, "acs_credential_provisioning_automation_id" varchar(36) not null, "is_running" boolean not null default true, "created_at" timestamptz not null, "stopped_at" timestamptz null, constraint "enrollment_automation_pkey" primary key ("id"));`);
    this.addSql(`create index "enrollment_automation_workspace_id_index" on "enrollment_automation" ("workspace_id");`);
    this.addSql(`create index "enrollment_automation_credential_manager_id_index" on "enrollment_automation" ("credential_manager_id");`);
    this.addSql(`create index "enrollment_automation_credential_manager_acs_user_id_index" on "enrollment_automation" ("credential_manager_acs_user_id");`);
    this.addSql(`create index "enrollment_automation_user_identity_id_created_at_index" on "enrollment_automation" ("user_identity_id", "created_at");`);

    this.addSql(`create table "certification" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "search_tags" varchar(255) null, "description" text not null, "type" varchar(32) not null, "approver_type" varchar(16) not null, "workflow_name" varchar(255) not null, "workflow_description" varchar(255) null, "approver" varchar(255) null, "approver_role" varchar(255) null, "status" varchar(16) not null, "high_risk_users" boolean not null default false, "user_certification_by" varchar(16) not null, "user_query" text null, "display_user_query" text null, "users" jsonb null, "high_risk_resources" boolean not null default false, "certification_by" varchar(255) null, "only_selected" boolean not null default false, "resource_query" text null, "resources" jsonb null, "certifier_type" varchar(32) not null, "certifier" varchar(255) null, "certifier_display_name" varchar(255) null, "certifier_role" varchar(255) null, "repeat" varchar(255) not null, "comments_on_certify" boolean not null default false, "comments_on_revoke" boolean not null default false, "reassignment" boolean not null default false, "self_certification" boolean not null default false, "automatic_escalation" boolean not null default false, "certification_reminder_email" boolean not null default false, "alternate_certifier" varchar(32) not null, "alternate_certifier_user" varchar(255) null, "alternate_certifier_role" varchar(255) null, "trigger_condition" varchar(255) null, "certification_duration_type" varchar(8) not null, "certification_duration" int not null, "created_by" varchar(255) not null, "created_by_display_name" varchar(255) null, "created_on" timestamptz not null, constraint "certification_pkey" primary key ("id"));`);
    this.addSql(`create index "certification_workspace_id_index" on "certification" ("workspace_id");`);
    this.addSql(`create index "certification_workspace_id_status_index" on "certification" ("workspace_id", "status");`);

    this.addSql(`create table "certification_campaign" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "certification_id" varchar(24) not null, "name" varchar(255) not null, "status" varchar(16) not null default 'Active', "started_by" varchar(255) not null, "started_at" timestamptz not null, "due_date" timestamptz not null, "completed_at" timestamptz null, "user_count" int not null, "resource_count" int not null, "certifier_count" int not null, "task_count" int not null, "item_count" int not null, "certified_count" int not null default 0, "revoked_count" int not null default 0, "user_ids" jsonb not null, "resource_refs" jsonb not null, constraint "certification_campaign_pkey" primary key ("id"));`);
    this.addSql(`create index "certification_campaign_workspace_id_index" on "certification_campaign" ("workspace_id");`);
    this.addSql(`create index "certification_campaign_certification_id_index" on "certification_campaign" ("certification_id");`);
    this.addSql(`create index "certification_campaign_workspace_id_status_index" on "certification_campaign" ("workspace_id", "status");`);

    this.addSql(`create table "certification_task" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "campaign_id" varchar(24) not null, "certifier_login" varchar(255) not null, "status" varchar(16) not null default 'Open', "due_date" timestamptz not null, "item_count" int not null, "decided_count" int not null default 0, "escalated_from" varchar(255) null, "escalated_at" timestamptz null, "created_at" timestamptz not null, constraint "certification_task_pkey" primary key ("id"));`);
    this.addSql(`create index "certification_task_workspace_id_index" on "certification_task" ("workspace_id");`);
    this.addSql(`create index "certification_task_campaign_id_index" on "certification_task" ("campaign_id");`);
    this.addSql(`create index "certification_task_workspace_id_status_due_date_index" on "certification_task" ("workspace_id", "status", "due_date");`);
    this.addSql(`create index "certification_task_workspace_id_certifier_login_index" on "certification_task" ("workspace_id", "certifier_login");`);

    this.addSql(`create table "review_item" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "campaign_id" varchar(24) not null, "task_id" varchar(24) not null, "user_login" varchar(255) not null, "access_kind" varchar(16) not null, "resource_collection" varchar(16) not null, "resource_id" varchar(255) not null, "resource_name" varchar(255) not null, "target_system_id" varchar(255) null, "risk_level" varchar(255) null, "certifier_login" varchar(255) not null, "previous_certifier_login" varchar(255) null, "decision" varchar(16) null, "comment" text null, "decided_by" varchar(255) null, "decided_at" timestamptz null, "revoke_request_id" varchar(255) null, constraint "review_item_pkey" primary key ("id"));`);
    this.addSql(`create index "review_item_workspace_id_index" on "review_item" ("workspace_id");`);
    this.addSql(`create index "review_item_campaign_id_index" on "review_item" ("campaign_id");`);
    this.addSql(`create index "review_item_task_id_index" on "review_item" ("task_id");`);
    this.addSql(`create index "review_item_workspace_id_certifier_login_index" on "review_item" ("workspace_id", "certifier_login");`);
    this.addSql(`create index "review_item_campaign_id_decision_index" on "review_item" ("campaign_id", "decision");`);

    this.addSql(`create table "cart" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null default 'default', "owner" varchar(255) not null, "correlation_id" varchar(255) not null, "status" varchar(255) not null default 'Open', "archived" boolean not null default false, "justification" text null, "requester_login" varchar(255) not null, "requester" jsonb not null, "cart_items" jsonb not null, "created_on" timestamptz not null, "submitted_on" timestamptz null, constraint "cart_pkey" primary key ("id"));`);
    this.addSql(`create index "cart_workspace_id_index" on "cart" ("workspace_id");`);
    this.addSql(`create index "cart_workspace_id_correlation_id_index" on "cart" ("workspace_id", "correlation_id");`);

    this.addSql(`create table "audit_event" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "action" varchar(255) not null, "entity_type" varchar(255) not null, "entity_id" varchar(24) not null, "actor" varchar(255) not null, "before" jsonb null, "after" jsonb null, "at" timestamptz not null, "request_id" varchar(255) null, constraint "audit_event_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_event_workspace_id_entity_id_index" on "audit_event" ("workspace_id", "entity_id");`);

    this.addSql(`create table "attachment" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "filename" varchar(255) not null, "content_type" varchar(255) not null, "size" int not null, "sha256" varchar(255) not null, "content" bytea not null, "created_on" timestamptz not null, constraint "attachment_pkey" primary key ("id"));`);
    this.addSql(`create index "attachment_workspace_id_index" on "attachment" ("workspace_id");`);

    this.addSql(`create table "approval_group" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "description" text null, "escalation_assignee" varchar(255) null, "created_on" timestamptz not null, constraint "approval_group_pkey" primary key ("id"));`);
    this.addSql(`create index "approval_group_workspace_id_index" on "approval_group" ("workspace_id");`);
    this.addSql(`alter table "approval_group" add constraint "approval_group_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(`create table "approval_group_member" ("id" varchar(24) not null, "group_id" varchar(24) not null, "user_id" varchar(24) not null, constraint "approval_group_member_pkey" primary key ("id"));`);
    this.addSql(`create index "approval_group_member_user_id_index" on "approval_group_member" ("user_id");`);
    this.addSql(`alter table "approval_group_member" add constraint "approval_group_member_group_id_user_id_unique" unique ("group_id", "user_id");`);

    this.addSql(`create table "api_key" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "secret_hash" varchar(64) not null, "authorities" jsonb not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);

    this.addSql(`create table "access_request" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "request_id" varchar(255) not null, "correlation_id" varchar(255) not null, "cart_id" varchar(255) null, "request_type" varchar(255) not null, "type" varchar(16) not null, "entity_type" varchar(16) not null, "entity_id" varchar(255) null, "title" varchar(255) not null, "summary" varchar(255) not null, "workflow_name" varchar(255) not null, "status" varchar(255) not null, "resolution" varchar(255) not null default 'Initiated', "justification" text null, "requester_login" varchar(255) not null, "beneficiary_login" varchar(255) null, "payload" jsonb not null, "stages" jsonb not null, "stage" int not null default 0, "create_date" timestamptz not null, "update_date" timestamptz not null, "completed_date" timestamptz null, constraint "access_request_pkey" primary key ("id"));`);
    this.addSql(`create index "access_request_workspace_id_index" on "access_request" ("workspace_id");`);
    this.addSql(`create index "access_request_workspace_id_correlation_id_index" on "access_request" ("workspace_id", "correlation_id");`);
    this.addSql(`create index "access_request_workspace_id_beneficiary_login_entity_id_index" on "access_request" ("workspace_id", "beneficiary_login", "entity_id");`);
    this.addSql(`create index "access_request_workspace_id_status_index" on "access_request" ("workspace_id", "status");`);
    this.addSql(`create index "access_request_workspace_id_type_index" on "access_request" ("workspace_id", "type");`);

    this.addSql(`create table "task" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "request_id" varchar(24) not null, "type" varchar(16) not null, "status" varchar(16) not null, "name" varchar(255) not null, "title" varchar(255) not null, "summary" varchar(255) not null, "description" text null, "assignee" varchar(255) not null, "assignee_type" varchar(255) not null, "claimed_by" varchar(255) null, "escalation_assignee" varchar(255) null, "outcome" varchar(255) null, "payload" jsonb null, "form" jsonb null, "expiry" int not null, "expiry_date" timestamptz not null, "create_date" timestamptz not null, "update_date" timestamptz not null, "updated_by" varchar(255) null, "stage" int not null, "version" int not null default 1, constraint "task_pkey" primary key ("id"));`);
    this.addSql(`create index "task_workspace_id_index" on "task" ("workspace_id");`);
    this.addSql(`create index "task_request_id_index" on "task" ("request_id");`);
    this.addSql(`create index "task_workspace_id_claimed_by_index" on "task" ("workspace_id", "claimed_by");`);
    this.addSql(`create index "task_workspace_id_assignee_index" on "task" ("workspace_id", "assignee");`);
    this.addSql(`create index "task_workspace_id_status_expiry_date_index" on "task" ("workspace_id", "status", "expiry_date");`);

    this.addSql(`create table "task_comment" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "task_id" varchar(24) not null, "user_login" varchar(255) not null, "comment" text not null, "attachment_id" varchar(24) null, "timestamp" timestamptz not null, constraint "task_comment_pkey" primary key ("id"));`);
    this.addSql(`create index "task_comment_workspace_id_index" on "task_comment" ("workspace_id");`);
    this.addSql(`create index "task_comment_task_id_index" on "task_comment" ("task_id");`);

    this.addSql(`alter table "app_user" add constraint "app_user_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "target_system" add constraint "target_system_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "user_account" add constraint "user_account_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_account" add constraint "user_account_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_account" add constraint "user_account_target_system_id_foreign" foreign key ("target_system_id") references "target_system" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "scim_user" add constraint "scim_user_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "scim_user" add constraint "scim_user_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "scim_user_email" add constraint "scim_user_email_scim_user_id_foreign" foreign key ("scim_user_id") references "scim_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "role" add constraint "role_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "scim_user_role" add constraint "scim_user_role_scim_user_id_foreign" foreign key ("scim_user_id") references "scim_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "scim_user_role" add constraint "scim_user_role_role_id_foreign" foreign key ("role_id") references "role" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "role_member" add constraint "role_member_role_id_foreign" foreign key ("role_id") references "role" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "role_member" add constraint "role_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "reconciliation_batch" add constraint "reconciliation_batch_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reconciliation_batch" add constraint "reconciliation_batch_target_system_id_foreign" foreign key ("target_system_id") references "target_system" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "reconciliation_mark" add constraint "reconciliation_mark_batch_id_foreign" foreign key ("batch_id") references "reconciliation_batch" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "reconciliation_event" add constraint "reconciliation_event_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reconciliation_event" add constraint "reconciliation_event_batch_id_foreign" foreign key ("batch_id") references "reconciliation_batch" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "identity_profile" add constraint "identity_profile_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "identity_profile" add constraint "identity_profile_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "identity_profile" add constraint "identity_profile_authoritative_source_id_foreign" foreign key ("authoritative_source_id") references "target_system" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "workflow_history" add constraint "workflow_history_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "entitlement" add constraint "entitlement_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "entitlement" add constraint "entitlement_target_system_id_foreign" foreign key ("target_system_id") references "target_system" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "role_entitlement" add constraint "role_entitlement_role_id_foreign" foreign key ("role_id") references "role" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "role_entitlement" add constraint "role_entitlement_entitlement_id_foreign" foreign key ("entitlement_id") references "entitlement" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "entitlement_assignment" add constraint "entitlement_assignment_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "entitlement_assignment" add constraint "entitlement_assignment_account_id_foreign" foreign key ("account_id") references "user_account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "entitlement_assignment" add constraint "entitlement_assignment_entitlement_id_foreign" foreign key ("entitlement_id") references "entitlement" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "enrollment_automation" add constraint "enrollment_automation_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "enrollment_automation" add constraint "enrollment_automation_user_identity_id_foreign" foreign key ("user_identity_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "enrollment_automation" add constraint "enrollment_automation_credential_manager_id_foreign" foreign key ("credential_manager_id") references "target_system" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "enrollment_automation" add constraint "enrollment_automation_credential_manager_acs_user_id_foreign" foreign key ("credential_manager_acs_user_id") references "user_account" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "certification" add constraint "certification_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "certification_campaign" add constraint "certification_campaign_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "certification_campaign" add constraint "certification_campaign_certification_id_foreign" foreign key ("certification_id") references "certification" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "certification_task" add constraint "certification_task_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "certification_task" add constraint "certification_task_campaign_id_foreign" foreign key ("campaign_id") references "certification_campaign" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "review_item" add constraint "review_item_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "review_item" add constraint "review_item_campaign_id_foreign" foreign key ("campaign_id") references "certification_campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "review_item" add constraint "review_item_task_id_foreign" foreign key ("task_id") references "certification_task" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "cart" add constraint "cart_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "audit_event" add constraint "audit_event_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "attachment" add constraint "attachment_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "approval_group" add constraint "approval_group_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "approval_group_member" add constraint "approval_group_member_group_id_foreign" foreign key ("group_id") references "approval_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "approval_group_member" add constraint "approval_group_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "api_key" add constraint "api_key_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "access_request" add constraint "access_request_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "task" add constraint "task_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "task" add constraint "task_request_id_foreign" foreign key ("request_id") references "access_request" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "task_comment" add constraint "task_comment_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "task_comment" add constraint "task_comment_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "task_comment" add constraint "task_comment_attachment_id_foreign" foreign key ("attachment_id") references "attachment" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop constraint "app_user_workspace_id_foreign";`);

    this.addSql(`alter table "target_system" drop constraint "target_system_workspace_id_foreign";`);

    this.addSql(`alter table "user_account" drop constraint "user_account_workspace_id_foreign";`);

    this.addSql(`alter table "scim_user" drop constraint "scim_user_workspace_id_foreign";`);

    this.addSql(`alter table "role" drop constraint "role_workspace_id_foreign";`);

    this.addSql(`alter table "reconciliation_batch" drop constraint "reconciliation_batch_workspace_id_foreign";`);

    this.addSql(`alter table "reconciliation_event" drop constraint "reconciliation_event_workspace_id_foreign";`);

    this.addSql(`alter table "identity_profile" drop constraint "identity_profile_workspace_id_foreign";`);

    this.addSql(`alter table "workflow_history" drop constraint "workflow_history_workspace_id_foreign";`);

    this.addSql(`alter table "entitlement" drop constraint "entitlement_workspace_id_foreign";`);

    this.addSql(`alter table "entitlement_assignment" drop constraint "entitlement_assignment_workspace_id_foreign";`);

    this.addSql(`alter table "enrollment_automation" drop constraint "enrollment_automation_workspace_id_foreign";`);

    this.addSql(`alter table "certification" drop constraint "certification_workspace_id_foreign";`);

    this.addSql(`alter table "certification_campaign" drop constraint "certification_campaign_workspace_id_foreign";`);

    this.addSql(`alter table "certification_task" drop constraint "certification_task_workspace_id_foreign";`);

    this.addSql(`alter table "review_item" drop constraint "review_item_workspace_id_foreign";`);

    this.addSql(`alter table "cart" drop constraint "cart_workspace_id_foreign";`);

    this.addSql(`alter table "audit_event" drop constraint "audit_event_workspace_id_foreign";`);

    this.addSql(`alter table "attachment" drop constraint "attachment_workspace_id_foreign";`);

    this.addSql(`alter table "approval_group" drop constraint "approval_group_workspace_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_workspace_id_foreign";`);

    this.addSql(`alter table "access_request" drop constraint "access_request_workspace_id_foreign";`);

    this.addSql(`alter table "task" drop constraint "task_workspace_id_foreign";`);

    this.addSql(`alter table "task_comment" drop constraint "task_comment_workspace_id_foreign";`);

    this.addSql(`alter table "user_account" drop constraint "user_account_user_id_foreign";`);

    this.addSql(`alter table "scim_user" drop constraint "scim_user_user_id_foreign";`);

    this.addSql(`alter table "role_member" drop constraint "role_member_user_id_foreign";`);

    this.addSql(`alter table "identity_profile" drop constraint "identity_profile_owner_id_foreign";`);

    this.addSql(`alter table "enrollment_automation" drop constraint "enrollment_automation_user_identity_id_foreign";`);

    this.addSql(`alter table "approval_group_member" drop constraint "approval_group_member_user_id_foreign";`);

    this.addSql(`alter table "user_account" drop constraint "user_account_target_system_id_foreign";`);

    this.addSql(`alter table "reconciliation_batch" drop constraint "reconciliation_batch_target_system_id_foreign";`);

    this.addSql(`alter table "identity_profile" drop constraint "identity_profile_authoritative_source_id_foreign";`);

    this.addSql(`alter table "entitlement" drop constraint "entitlement_target_system_id_foreign";`);

    this.addSql(`alter table "enrollment_automation" drop constraint "enrollment_automation_credential_manager_id_foreign";`);

    this.addSql(`alter table "entitlement_assignment" drop constraint "entitlement_assignment_account_id_foreign";`);

    this.addSql(`alter table "enrollment_automation" drop constraint "enrollment_automation_credential_manager_acs_user_id_foreign";`);

    this.addSql(`alter table "scim_user_email" drop constraint "scim_user_email_scim_user_id_foreign";`);

    this.addSql(`alter table "scim_user_role" drop constraint "scim_user_role_scim_user_id_foreign";`);

    this.addSql(`alter table "scim_user_role" drop constraint "scim_user_role_role_id_foreign";`);

    this.addSql(`alter table "role_member" drop constraint "role_member_role_id_foreign";`);

    this.addSql(`alter table "role_entitlement" drop constraint "role_entitlement_role_id_foreign";`);

    this.addSql(`alter table "reconciliation_mark" drop constraint "reconciliation_mark_batch_id_foreign";`);

    this.addSql(`alter table "reconciliation_event" drop constraint "reconciliation_event_batch_id_foreign";`);

    this.addSql(`alter table "role_entitlement" drop constraint "role_entitlement_entitlement_id_foreign";`);

    this.addSql(`alter table "entitlement_assignment" drop constraint "entitlement_assignment_entitlement_id_foreign";`);

    this.addSql(`alter table "certification_campaign" drop constraint "certification_campaign_certification_id_foreign";`);

    this.addSql(`alter table "certification_task" drop constraint "certification_task_campaign_id_foreign";`);

    this.addSql(`alter table "review_item" drop constraint "review_item_campaign_id_foreign";`);

    this.addSql(`alter table "review_item" drop constraint "review_item_task_id_foreign";`);

    this.addSql(`alter table "task_comment" drop constraint "task_comment_attachment_id_foreign";`);

    this.addSql(`alter table "approval_group_member" drop constraint "approval_group_member_group_id_foreign";`);

    this.addSql(`alter table "task" drop constraint "task_request_id_foreign";`);

    this.addSql(`alter table "task_comment" drop constraint "task_comment_task_id_foreign";`);

    this.addSql(`drop table if exists "workspace" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "target_system" cascade;`);

    this.addSql(`drop table if exists "user_account" cascade;`);

    this.addSql(`drop table if exists "scim_user" cascade;`);

    this.addSql(`drop table if exists "scim_user_email" cascade;`);

    this.addSql(`drop table if exists "role" cascade;`);

    this.addSql(`drop table if exists "scim_user_role" cascade;`);

    this.addSql(`drop table if exists "role_member" cascade;`);

    this.addSql(`drop table if exists "reconciliation_batch" cascade;`);

    this.addSql(`drop table if exists "reconciliation_mark" cascade;`);

    this.addSql(`drop table if exists "reconciliation_event" cascade;`);

    this.addSql(`drop table if exists "identity_profile" cascade;`);

    this.addSql(`drop table if exists "workflow_history" cascade;`);

    this.addSql(`drop table if exists "entitlement" cascade;`);

    this.addSql(`drop table if exists "role_entitlement" cascade;`);

    this.addSql(`drop table if exists "entitlement_assignment" cascade;`);

    this.addSql(`drop table if exists "enrollment_automation" cascade;`);

    this.addSql(`drop table if exists "certification" cascade;`);

    this.addSql(`drop table if exists "certification_campaign" cascade;`);

    this.addSql(`drop table if exists "certification_task" cascade;`);

    this.addSql(`drop table if exists "review_item" cascade;`);

    this.addSql(`drop table if exists "cart" cascade;`);

    this.addSql(`drop table if exists "audit_event" cascade;`);

    this.addSql(`drop table if exists "attachment" cascade;`);

    this.addSql(`drop table if exists "approval_group" cascade;`);

    this.addSql(`drop table if exists "approval_group_member" cascade;`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "access_request" cascade;`);

    this.addSql(`drop table if exists "task" cascade;`);

    this.addSql(`drop table if exists "task_comment" cascade;`);
  }

}
