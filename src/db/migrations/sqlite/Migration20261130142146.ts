import { Migration } from '@mikro-orm/migrations';

export class Migration20261130142146 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`target_system\` add column \`recon_safety_threshold_percent\` integer not null default 20;`);
  }

}
