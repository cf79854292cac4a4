import { Migration } from '@mikro-orm/migrations';

export class Migration20261130140928 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "job" ("id" varchar(24) not null, "workspace_id" varchar(24) not null, "type" varchar(64) not null, "payload" jsonb not null, "status" varchar(16) not null default 'Queued', "run_at" timestamptz not null, "singleton_key" varchar(255) null, "attempts" int not null default 0, "max_attempts" int not null default 5, "last_error" text null, "locked_by" varchar(255) null, "locked_until" timestamptz null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "job_pkey" primary key ("id"));`);
    this.addSql(`create index "job_workspace_id_index" on "job" ("workspace_id");`);
    this.addSql(`alter table "job" add constraint "job_singleton_key_unique" unique ("singleton_key");`);
    this.addSql(`create index "job_workspace_id_type_status_index" on "job" ("workspace_id", "type", "status");`);
    this.addSql(`create index "job_status_run_at_index" on "job" ("status", "run_at");`);

    this.addSql(`alter table "job" add constraint "job_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job" cascade;`);
  }

}
