import { Migration } from '@mikro-orm/migrations';

export class Migration20261130161500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "target_system" add column "connector_attribute_mapping" jsonb null;`);
  }

}
