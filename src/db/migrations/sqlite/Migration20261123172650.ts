import { Migration } from '@mikro-orm/migrations';

export class Migration20261123172650 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`workspace\` (\`id\` text not null, \`name\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`workspace_name_unique\` on \`workspace\` (\`name\`);`);

    this.addSql(`create table \`app_user\` (\`id\` text not null, \`workspace_id\` text not null, \`login\` text not null, \`first_name\` text null, \`last_name\` text null, \`display_name\` text not null, \`email\` text null, \`phone_number\` text null, \`job_title\` text null, \`department\` text null, \`organization_name\` text null, \`location\` text null, \`user_type\` text null, \`status\` text not null default 'Active', \`employee_number\` text null, \`manager_login\` text null, \`home_address_line1\` text null, \`home_address_line2\` text null, \`home_address_city\` text null, \`home_address_state\` text null, \`home_address_zipcode\` text null, \`home_address_country\` text null, \`office_address_line1\` text null, \`office_address_line2\` text null, \`office_address_city\` text null, \`office_address_state\` text null, \`office_address_zipcode\` text null, \`office_address_country\` text null, \`create_date\` text null, \`provisioned_date\` text null, \`logo_url\` text null, \`created_on\` datetime not null, constraint \`app_user_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`app_user_workspace_id_index\` on \`app_user\` (\`workspace_id\`);`);
    this.addSql(`create index \`app_user_workspace_id_display_name_index\` on \`app_user\` (\`workspace_id\`, \`display_name\`);`);
    this.addSql(`create index \`app_user_workspace_id_manager_login_index\` on \`app_user\` (\`workspace_id\`, \`manager_login\`);`);
    this.addSql(`create unique index \`app_user_workspace_id_login_unique\` on \`app_user\` (\`workspace_id\`, \`login\`);`);

    this.addSql(`create table \`target_system\` (\`id\` text not null, \`workspace_id\` text not null, \`name\` text not null, \`display_name\` text not null, \`description\` text null, \`integration_level\` text not null default 'Disconnected', \`trusted_reconciliation\` integer not null default false, \`form\` json null, \`schedule\` json null, \`logo_url\` text null, \`application_url\` text null, \`authentication_type\` text null, \`business_owner_login\` text null, \`it_owner_login\` text null, \`performer\` text null, \`approver1\` text null, \`approver2\` text null, \`approver3\` text null, \`approval_workflow\` text null, \`approval_workflow_display_name\` text null, \`risk_level\` text null, \`search_tags\` text null, \`is_requestable\` integer not null default true, \`is_certifiable\` integer null, \`disabled\` integer not null default false, \`retired\` integer not null default false, \`workflow_request_form_id\` text null, \`stale_check_enabled\` integer null, \`stale_days\` integer null, \`created_on\` datetime not null, \`updated_on\` datetime null, constraint \`target_system_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`target_system_workspace_id_index\` on \`target_system\` (\`workspace_id\`);`);
    this.addSql(`create index \`target_system_workspace_id_display_name_index\` on \`target_system\` (\`workspace_id\`, \`display_name\`);`);
    this.addSql(`create unique index \`target_system_workspace_id_name_unique\` on \`target_system\` (\`workspace_id\`, \`name\`);`);

    this.addSql(`create table \`user_account\` (\`id\` text not null, \`workspace_id\` text not null, \`user_id\` text not null, \`target_system_id\` text not null, \`login\` text not null, \`status\` text not null default 'Provisioned', \`provision_mechanism\` text null, \`provisioned_date\` datetime null, \`form\` json null, \`logo_url\` text null, constraint \`user_account_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, constraint \`user_account_user_id_foreign\` foreign key(\`user_id\`) references \`app_user\`(\`id\`) on delete cascade on update cascade, constraint \`user_account_target_system_id_foreign\` foreign key(\`target_system_id\`) references \`target_system\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`user_account_workspace_id_index\` on \`user_account\` (\`workspace_id\`);`);
    this.addSql(`create index \`user_account_target_system_id_index\` on \`user_account\` (\`target_system_id\`);`);
    this.addSql(`create index \`user_account_target_system_id_login_index\` on \`user_account\` (\`target_system_id\`, \`login\`);`);
    this.addSql(`create index \`user_account_user_id_index\` on \`user_account\` (\`user_id\`);`);

    this.addSql(`create table \`scim_user\` (\`id\` text not null, \`workspace_id\` text not null, \`user_name\` text not null, \`user_name_key\` text not null, \`external_id\` text null, \`active\` integer not null default true, \`display_name\` text not null, \`nick_name\` text null, \`family_name\` text null, \`formatted\` text null, \`given_name\` text null, \`honorific_prefix\` text null, \`honorific_suffix\` text null, \`middle_name\` text null, \`emails\` json not null, \`user_type\` text not null default 'USER', \`schemas\` json not null, \`attributes\` json not null, \`version\` integer not null default 1, \`created_at\` datetime not null, \`last_modified\` datetime not null, \`user_id\` text null, constraint \`scim_user_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, constraint \`scim_user_user_id_foreign\` foreign key(\`user_id\`) references \`app_user\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`scim_user_workspace_id_index\` on \`scim_user\` (\`workspace_id\`);`);
    this.addSql(`create index \`scim_user_user_id_index\` on \`scim_user\` (\`user_id\`);`);
    this.addSql(`create index \`scim_user_workspace_id_external_id_index\` on \`scim_user\` (\`workspace_id\`, \`external_id\`);`);
    this.addSql(`create unique index \`scim_user_workspace_id_user_name_key_unique\` on \`scim_user\` (\`workspace_id\`, \`user_name_key\`);`);

    this.addSql(`create table \`scim_user_email\` (\`id\` text not null, \`scim_user_id\` text not null, \`value_key\` text not null, \`type_key\` text null, \`is_primary\` integer not null default false, constraint \`scim_user_email_scim_user_id_foreign\` foreign key(\`scim_user_id\`) references \`scim_user\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`scim_user_email_scim_user_id_index\` on \`scim_user_email\` (\`scim_user_id\`);`);
    this.addSql(`create index \`scim_user_email_value_key_index\` on \`scim_user_email\` (\`value_key\`);`);

    this.addSql(`create table \`role\` (\`id\` text not null, \`workspace_id\` text not null, \`name\` text not null, \`display_name\` text not null, \`description\` text null, \`rule\` text null, \`rule_form\` text null, \`is_certifiable\` integer null, \`is_requestable\` integer not null default true, \`disabled\` integer not null default false, \`retired\` integer not null default false, \`approval_workflow\` text null, \`approval_workflow_display_name\` text null, \`approver1\` text null, \`approver2\` text null, \`approver3\` text null, \`performer\` text null, \`risk_level\` text null, \`search_tags\` text null, \`workflow_request_form_id\` text null, \`role_owner_login\` text null, \`created_on\` datetime not null, constraint \`role_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`role_workspace_id_index\` on \`role\` (\`workspace_id\`);`);
    this.addSql(`create index \`role_workspace_id_display_name_index\` on \`role\` (\`workspace_id\`, \`display_name\`);`);
    this.addSql(`create unique index \`role_workspace_id_name_unique\` on \`role\` (\`workspace_id\`, \`name\`);`);

    this.addSql(`create table \`scim_user_role\` (\`id\` text not null, \`scim_user_id\` text not null, \`kind\` text not null, \`value\` text not null, \`display\` text null, \`role_id\` text null, \`position\` integer not null default 0, constraint \`scim_user_role_scim_user_id_foreign\` foreign key(\`scim_user_id\`) references \`scim_user\`(\`id\`) on delete cascade on update cascade, constraint \`scim_user_role_role_id_foreign\` foreign key(\`role_id\`) references \`role\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`scim_user_role_scim_user_id_index\` on \`scim_user_role\` (\`scim_user_id\`);`);
    this.addSql(`create index \`scim_user_role_role_id_index\` on \`scim_user_role\` (\`role_id\`);`);
    this.addSql(`create index \`scim_user_role_role_id_kind_index\` on \`scim_user_role\` (\`role_id\`, \`kind\`);`);

    this.addSql(`create table \`role_member\` (\`id\` text not null, \`role_id\` text not null, \`user_id\` text not null, \`source\` text not null, \`created_at\` datetime not null, constraint \`role_member_role_id_foreign\` foreign key(\`role_id\`) references \`role\`(\`id\`) on delete cascade on update cascade, constraint \`role_member_user_id_foreign\` foreign key(\`user_id\`) references \`app_user\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`role_member_role_id_index\` on \`role_member\` (\`role_id\`);`);
    this.addSql(`create index \`role_member_user_id_index\` on \`role_member\` (\`user_id\`);`);
    this.addSql(`create unique index \`role_member_role_id_user_id_source_unique\` on \`role_member\` (\`role_id\`, \`user_id\`, \`source\`);`);

    this.addSql(`create table \`entitlement\` (\`id\` text not null, \`workspace_id\` text not null, \`target_system_id\` text not null, \`name\` text not null, \`display_name\` text not null, \`description\` text null, \`performer\` text null, \`risk_level\` text null, \`it_owner_login\` text null, \`business_owner_login\` text null, \`search_tags\` text null, \`approval_workflow\` text null, \`approval_workflow_display_name\` text null, \`is_requestable\` integer not null default true, \`disabled\` integer not null default false, \`retired\` integer not null default false, \`created_on\` datetime not null, constraint \`entitlement_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, constraint \`entitlement_target_system_id_foreign\` foreign key(\`target_system_id\`) references \`target_system\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`entitlement_workspace_id_index\` on \`entitlement\` (\`workspace_id\`);`);
    this.addSql(`create index \`entitlement_target_system_id_index\` on \`entitlement\` (\`target_system_id\`);`);
    this.addSql(`create index \`entitlement_workspace_id_display_name_index\` on \`entitlement\` (\`workspace_id\`, \`display_name\`);`);

    this.addSql(`create table \`role_entitlement\` (\`role_id\` text not null, \`entitlement_id\` text not null, constraint \`role_entitlement_role_id_foreign\` foreign key(\`role_id\`) references \`role\`(\`id\`) on delete cascade on update cascade, constraint \`role_entitlement_entitlement_id_foreign\` foreign key(\`entitlement_id\`) references \`entitlement\`(\`id\`) on delete cascade on update cascade, primary key (\`role_id\`, \`entitlement_id\`));`);
    this.addSql(`create index \`role_entitlement_role_id_index\` on \`role_entitlement\` (\`role_id\`);`);
    this.addSql(`create index \`role_entitlement_entitlement_id_index\` on \`role_entitlement\` (\`entitlement_id\`);`);

    this.addSql(`create table \`entitlement_assignment\` (\`id\` text not null, \`workspace_id\` text not null, \`account_id\` text not null, \`entitlement_id\` text not null, \`status\` text not null default 'Provisioned', \`provision_mechanism\` text null, \`provisioned_date\` datetime null, constraint \`entitlement_assignment_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, constraint \`entitlement_assignment_account_id_foreign\` foreign key(\`account_id\`) references \`user_account\`(\`id\`) on delete cascade on update cascade, constraint \`entitlement_assignment_entitlement_id_foreign\` foreign key(\`entitlement_id\`) references \`entitlement\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`entitlement_assignment_workspace_id_index\` on \`entitlement_assignment\` (\`workspace_id\`);`);
    this.addSql(`create index \`entitlement_assignment_account_id_index\` on \`entitlement_assignment\` (\`account_id\`);`);
    this.addSql(`create index \`entitlement_assignment_entitlement_id_index\` on \`entitlement_assignment\` (\`entitlement_id\`);`);
    this.addSql(`create unique index \`entitlement_assignment_account_id_entitlement_id_unique\` on \`entitlement_assignment\` (\`account_id\`, \`entitlement_id\`);`);

    this.addSql(`create table \`audit_event\` (\`id\` text not null, \`workspace_id\` text not null, \`action\` text not null, \`entity_type\` text not null, \`entity_id\` text not null, \`actor\` text not null, \`before\` json null, \`after\` json null, \`at\` datetime not null, \`request_id\` text null, constraint \`audit_event_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`audit_event_workspace_id_index\` on \`audit_event\` (\`workspace_id\`);`);
    this.addSql(`create index \`audit_event_workspace_id_entity_id_index\` on \`audit_event\` (\`workspace_id\`, \`entity_id\`);`);

    this.addSql(`create table \`api_key\` (\`id\` text not null, \`workspace_id\` text not null, \`name\` text not null, \`secret_hash\` text not null, \`authorities\` json not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, constraint \`api_key_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`api_key_workspace_id_index\` on \`api_key\` (\`workspace_id\`);`);
  }

}
