import { Migration } from '@mikro-orm/migrations';

export class Migration20261130155002 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "user_account" add column "expires_at" timestamptz null;`);

    this.addSql(`alter table "role_member" add column "expires_at" timestamptz null;`);

    this.addSql(`alter table "entitlement_assignment" add column "expires_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "entitlement_assignment" drop column "expires_at";`);

    this.addSql(`alter table "role_member" drop column "expires_at";`);

    this.addSql(`alter table "user_account" drop column "expires_at";`);
  }

}
