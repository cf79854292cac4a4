import { Migration } from '@mikro-orm/migrations';

export class Migration20261130115121 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`api_key\` add column \`person_id\` text null constraint \`api_key_person_id_foreign\` references \`app_user\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`create index \`api_key_person_id_index\` on \`api_key\` (\`person_id\`);`);
  }

}
