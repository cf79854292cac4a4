import { Migration } from '@mikro-orm/migrations';

export class Migration20261130142151 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "target_system" add column "recon_safety_threshold_percent" int not null default 20;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "target_system" drop column "recon_safety_threshold_percent";`);
  }

}
