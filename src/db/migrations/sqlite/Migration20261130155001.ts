import { Migration } from '@mikro-orm/migrations';

export class Migration20261130155001 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`workspace\` add column \`authoritative_source\` text not null default 'NONE';`);

    this.addSql(`alter table \`app_user\` add column \`terminated_at\` datetime null;`);
  }

}
