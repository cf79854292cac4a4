import { Migration } from '@mikro-orm/migrations';

export class Migration20261130142947 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "service_request" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "name" varchar(255) not null, "display_name" varchar(255) not null, "description" text null, "performer" varchar(255) not null, "form" jsonb null, "approval_workflow" varchar(255) not null, "approval_workflow_display_name" varchar(255) null, "approver1" varchar(255) null, "approver2" varchar(255) null, "approver3" varchar(255) null, "risk_level" varchar(255) null, "search_tags" varchar(255) null, "is_requestable" boolean not null default true, "disabled" boolean not null default false, "retired" boolean not null default false, "created_on" timestamptz not null, constraint "service_request_pkey" primary key ("id"));`);
    this.addSql(`create index "service_request_workspace_id_index" on "service_request" ("workspace_id");`);
    this.addSql(`create index "service_request_workspace_id_display_name_index" on "service_request" ("workspace_id", "display_name");`);
    this.addSql(`alter table "service_request" add constraint "service_request_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(`alter table "service_request" add constraint "service_request_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "service_request" cascade;`);
  }

}
