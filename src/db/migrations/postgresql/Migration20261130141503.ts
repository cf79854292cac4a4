import { Migration } from '@mikro-orm/migrations';

export class Migration20261130141503 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "employee_type" varchar(255) null, add column "is_administrator" boolean not null default false, add column "office_address_postal" varchar(255) null, add column "user_identity_id" varchar(36) null;`);
    this.addSql(`alter table "app_user" add constraint "app_user_workspace_id_user_identity_id_unique" unique ("workspace_id", "user_identity_id");`);

    this.addSql(`alter table "target_system" add column "acs_system_id" varchar(36) null, add column "request_form_id" varchar(255) null, add column "request_form_name" varchar(255) null, add column "is_default_attr" boolean null, add column "entitlement_changes" jsonb null;`);
    this.addSql(`alter table "target_system" add constraint "target_system_workspace_id_acs_system_id_unique" unique ("workspace_id", "acs_system_id");`);

    this.addSql(`alter table "user_account" add column "acs_user_id" varchar(36) null, add column "sync" boolean not null default false, add column "last_synced_on" timestamptz null, add column "updated_on" timestamptz null;`);
    this.addSql(`alter table "user_account" add constraint "user_account_workspace_id_acs_user_id_unique" unique ("workspace_id", "acs_user_id");`);

    this.addSql(`alter table "reconciliation_event" add column "last_modified" timestamptz null, add column "number_of_entitlements" int null, add column "resource_in_idhub_before_modification" jsonb null, add column "user_account_before_modification" jsonb null;`);

    this.addSql(`alter table "entitlement" add column "is_certifiable" boolean null, add column "external_id" varchar(255) null, add column "form" jsonb null, add column "form_values" jsonb null, add column "last_synced_on" timestamptz null;`);

    this.addSql(`alter table "entitlement_assignment" add column "form_values" jsonb null;`);

    this.addSql(`alter table "certification" add column "certifier_toggle" varchar(255) null, add column "alternate_certifier_toggle" varchar(255) null, add column "frequently_used_rule" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop constraint "app_user_workspace_id_user_identity_id_unique";`);
    this.addSql(`alter table "app_user" drop column "employee_type", drop column "is_administrator", drop column "office_address_postal", drop column "user_identity_id";`);

    this.addSql(`alter table "certification" drop column "certifier_toggle", drop column "alternate_certifier_toggle", drop column "frequently_used_rule";`);

    this.addSql(`alter table "entitlement" drop column "is_certifiable", drop column "external_id", drop column "form", drop column "form_values", drop column "last_synced_on";`);

    this.addSql(`alter table "entitlement_assignment" drop column "form_values";`);

    this.addSql(`alter table "reconciliation_event" drop column "last_modified", drop column "number_of_entitlements", drop column "resource_in_idhub_before_modification", drop column "user_account_before_modification";`);

    this.addSql(`alter table "target_system" drop constraint "target_system_workspace_id_acs_system_id_unique";`);
    this.addSql(`alter table "target_system" drop column "acs_system_id", drop column "request_form_id", drop column "request_form_name", drop column "is_default_attr", drop column "entitlement_changes";`);

    this.addSql(`alter table "user_account" drop constraint "user_account_workspace_id_acs_user_id_unique";`);
    this.addSql(`alter table "user_account" drop column "acs_user_id", drop column "sync", drop column "last_synced_on", drop column "updated_on";`);
  }

}
