import { Migration } from '@mikro-orm/migrations';

export class Migration20261130115459 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`sign_in_settings\` (\`id\` text not null, \`workspace_id\` text not null, \`issuer\` text not null, \`audience\` text not null, \`person_claim\` text not null, \`person_attribute\` text not null, \`jwks_uri\` text null, \`authorities\` json not null, \`claim_authorities\` json not null, \`role_authorities\` json not null, \`updated_at\` datetime not null, constraint \`sign_in_settings_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`sign_in_settings_workspace_id_index\` on \`sign_in_settings\` (\`workspace_id\`);`);
    this.addSql(`create index \`sign_in_settings_issuer_index\` on \`sign_in_settings\` (\`issuer\`);`);
    this.addSql(`create unique index \`sign_in_settings_workspace_id_unique\` on \`sign_in_settings\` (\`workspace_id\`);`);
  }

}
