import { Migration } from '@mikro-orm/migrations';

export class Migration20261130140927 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`job\` (\`id\` text not null, \`workspace_id\` text not null, \`type\` text not null, \`payload\` json not null, \`status\` text not null default 'Queued', \`run_at\` datetime not null, \`singleton_key\` text null, \`attempts\` integer not null default 0, \`max_attempts\` integer not null default 5, \`last_error\` text null, \`locked_by\` text null, \`locked_until\` datetime null, \`created_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, constraint \`job_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`job_workspace_id_index\` on \`job\` (\`workspace_id\`);`);
    this.addSql(`create unique index \`job_singleton_key_unique\` on \`job\` (\`singleton_key\`);`);
    this.addSql(`create index \`job_workspace_id_type_status_index\` on \`job\` (\`workspace_id\`, \`type\`, \`status\`);`);
    this.addSql(`create index \`job_status_run_at_index\` on \`job\` (\`status\`, \`run_at\`);`);
  }

}
