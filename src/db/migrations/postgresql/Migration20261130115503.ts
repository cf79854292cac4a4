import { Migration } from '@mikro-orm/migrations';

export class Migration20261130115503 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "sign_in_settings" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "issuer" varchar(255) not null, "audience" varchar(255) not null, "person_claim" varchar(255) not null, "person_attribute" varchar(16) not null, "jwks_uri" varchar(255) null, "authorities" jsonb not null, "claim_authorities" jsonb not null, "role_authorities" jsonb not null, "updated_at" timestamptz not null, constraint "sign_in_settings_pkey" primary key ("id"));`);
    this.addSql(`create index "sign_in_settings_issuer_index" on "sign_in_settings" ("issuer");`);
    this.addSql(`alter table "sign_in_settings" add constraint "sign_in_settings_workspace_id_unique" unique ("workspace_id");`);

    this.addSql(`alter table "sign_in_settings" add constraint "sign_in_settings_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sign_in_settings" cascade;`);
  }

}
