import { Migration } from '@mikro-orm/migrations';

export class Migration20261130115812 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "actor_key_id" varchar(255) null, add column "actor_person" varchar(255) null, add column "acting_as" boolean not null default false;`);

    // Databases written before this index may hold duplicate open requests (concurrent submits):
    // the oldest stays open, the later ones (and their open tasks) are cancelled, so the index applies.
    const later = `exists (select 1 from "access_request" o where o."workspace_id" = d."workspace_id" and o."beneficiary_login" = d."beneficiary_login" and o."entity_id" = d."entity_id" and o."resolution" = 'Initiated' and o."id" < d."id")`;
    this.addSql(
      `update "task" set "status" = 'Cancelled', "outcome" = 'CANCELLED' where "status" in ('Assigned', 'Claimed') and "request_id" in (select d."id" from "access_request" d where d."resolution" = 'Initiated' and ${later});`,
    );
    this.addSql(
      `update "access_request" set "status" = 'Cancelled', "resolution" = 'Cancelled' where "id" in (select d."id" from "access_request" d where d."resolution" = 'Initiated' and ${later});`,
    );
    this.addSql(`create unique index "access_request_one_open" on "access_request" ("workspace_id", "beneficiary_login", "entity_id") where "resolution" = 'Initiated';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "access_request_one_open";`);

    this.addSql(`alter table "audit_event" drop column "actor_key_id", drop column "actor_person", drop column "acting_as";`);
  }

}
