import { Migration } from '@mikro-orm/migrations';

export class Migration20261130155001 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "workspace" add column "authoritative_source" varchar(16) not null default 'NONE';`);

    this.addSql(`alter table "app_user" add column "terminated_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop column "terminated_at";`);

    this.addSql(`alter table "workspace" drop column "authoritative_source";`);
  }

}
