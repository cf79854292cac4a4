import { Migration } from '@mikro-orm/migrations';

export class Migration20261130141502 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`app_user\` add column \`employee_type\` text null;`);
    this.addSql(`alter table \`app_user\` add column \`is_administrator\` integer not null default false;`);
    this.addSql(`alter table \`app_user\` add column \`office_address_postal\` text null;`);
    this.addSql(`alter table \`app_user\` add column \`user_identity_id\` text null;`);
    this.addSql(`create unique index \`app_user_workspace_id_user_identity_id_unique\` on \`app_user\` (\`workspace_id\`, \`user_identity_id\`);`);

    this.addSql(`alter table \`target_system\` add column \`acs_system_id\` text null;`);
    this.addSql(`alter table \`target_system\` add column \`request_form_id\` text null;`);
    this.addSql(`alter table \`target_system\` add column \`request_form_name\` text null;`);
    this.addSql(`alter table \`target_system\` add column \`is_default_attr\` integer null;`);
    this.addSql(`alter table \`target_system\` add column \`entitlement_changes\` json null;`);
    this.addSql(`create unique index \`target_system_workspace_id_acs_system_id_unique\` on \`target_system\` (\`workspace_id\`, \`acs_system_id\`);`);

    this.addSql(`alter table \`user_account\` add column \`acs_user_id\` text null;`);
    this.addSql(`alter table \`user_account\` add column \`sync\` integer not null default false;`);
    this.addSql(`alter table \`user_account\` add column \`last_synced_on\` datetime null;`);
    this.addSql(`alter table \`user_account\` add column \`updated_on\` datetime null;`);
    this.addSql(`create unique index \`user_account_workspace_id_acs_user_id_unique\` on \`user_account\` (\`workspace_id\`, \`acs_user_id\`);`);

    this.addSql(`alter table \`reconciliation_event\` add column \`last_modified\` datetime null;`);
    this.addSql(`alter table \`reconciliation_event\` add column \`number_of_entitlements\` integer null;`);
    this.addSql(`alter table \`reconciliation_event\` add column \`resource_in_idhub_before_modification\` json null;`);
    this.addSql(`alter table \`reconciliation_event\` add column \`user_account_before_modification\` json null;`);

    this.addSql(`alter table \`entitlement\` add column \`is_certifiable\` integer null;`);
    this.addSql(`alter table \`entitlement\` add column \`external_id\` text null;`);
    this.addSql(`alter table \`entitlement\` add column \`form\` json null;`);
    this.addSql(`alter table \`entitlement\` add column \`form_values\` json null;`);
    this.addSql(`alter table \`entitlement\` add column \`last_synced_on\` datetime null;`);

    this.addSql(`alter table \`entitlement_assignment\` add column \`form_values\` json null;`);

    this.addSql(`alter table \`certification\` add column \`certifier_toggle\` text null;`);
    this.addSql(`alter table \`certification\` add column \`alternate_certifier_toggle\` text null;`);
    this.addSql(`alter table \`certification\` add column \`frequently_used_rule\` json null;`);
  }

}
