import { Migration } from '@mikro-orm/migrations';

export class Migration20261130142943 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`service_request\` (\`id\` text not null, \`workspace_id\` text not null, \`name\` text not null, \`display_name\` text not null, \`description\` text null, \`performer\` text not null, \`form\` json null, \`approval_workflow\` text not null, \`approval_workflow_display_name\` text null, \`approver1\` text null, \`approver2\` text null, \`approver3\` text null, \`risk_level\` text null, \`search_tags\` text null, \`is_requestable\` integer not null default true, \`disabled\` integer not null default false, \`retired\` integer not null default false, \`created_on\` datetime not null, constraint \`service_request_workspace_id_foreign\` foreign key(\`workspace_id\`) references \`workspace\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`service_request_workspace_id_index\` on \`service_request\` (\`workspace_id\`);`);
    this.addSql(`create index \`service_request_workspace_id_display_name_index\` on \`service_request\` (\`workspace_id\`, \`display_name\`);`);
    this.addSql(`create unique index \`service_request_workspace_id_name_unique\` on \`service_request\` (\`workspace_id\`, \`name\`);`);
  }

}
