import { Migration } from '@mikro-orm/migrations';

export class Migration20261130115122 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "api_key" add column "person_id" varchar(24) null;`);
    this.addSql(`alter table "api_key" add constraint "api_key_person_id_foreign" foreign key ("person_id") references "app_user" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_key" drop constraint "api_key_person_id_foreign";`);

    this.addSql(`alter table "api_key" drop column "person_id";`);
  }

}
