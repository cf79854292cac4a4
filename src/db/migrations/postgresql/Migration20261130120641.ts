import { Migration } from '@mikro-orm/migrations';

export class Migration20261130120641 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "credential_revision" ("id" int not null, "revision" int not null, constraint "credential_revision_pkey" primary key ("id"));`);
    // Written by hand: the revision every gateway process compares on each request (src/auth/api-key.service.ts).
    this.addSql(`insert into "credential_revision" ("id", "revision") values (1, 0);`);
    this.addSql(`create function "credential_revision_bump"() returns trigger language plpgsql as $$ begin update "credential_revision" set "revision" = "revision" + 1 where "id" = 1; return null; end $$;`);
    this.addSql(`create trigger "credential_revision_api_key" after update or delete on "api_key" for each statement execute function "credential_revision_bump"();`);
    this.addSql(`create trigger "credential_revision_app_user" after update of "status", "login" or delete on "app_user" for each statement execute function "credential_revision_bump"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "credential_revision_app_user" on "app_user";`);
    this.addSql(`drop trigger if exists "credential_revision_api_key" on "api_key";`);
    this.addSql(`drop function if exists "credential_revision_bump"();`);
    this.addSql(`drop table if exists "credential_revision" cascade;`);
  }

}
