import { Migration } from '@mikro-orm/migrations';

export class Migration20261130155002 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`user_account\` add column \`expires_at\` datetime null;`);

    this.addSql(`alter table \`role_member\` add column \`expires_at\` datetime null;`);

    this.addSql(`alter table \`entitlement_assignment\` add column \`expires_at\` datetime null;`);
  }

}
