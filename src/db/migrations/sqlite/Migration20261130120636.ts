import { Migration } from '@mikro-orm/migrations';

export class Migration20261130120636 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`credential_revision\` (\`id\` integer not null, \`revision\` integer not null, primary key (\`id\`));`);
    // Written by hand: the revision every gateway process compares on each request (src/auth/api-key.service.ts).
    this.addSql(`insert into \`credential_revision\` (\`id\`, \`revision\`) values (1, 0);`);
    this.addSql(`create trigger \`credential_revision_api_key_update\` after update on \`api_key\` begin update \`credential_revision\` set \`revision\` = \`revision\` + 1 where \`id\` = 1; end;`);
    this.addSql(`create trigger \`credential_revision_api_key_delete\` after delete on \`api_key\` begin update \`credential_revision\` set \`revision\` = \`revision\` + 1 where \`id\` = 1; end;`);
    this.addSql(`create trigger \`credential_revision_app_user_update\` after update of \`status\`, \`login\` on \`app_user\` when old.\`status\` is not new.\`status\` or old.\`login\` is not new.\`login\` begin update \`credential_revision\` set \`revision\` = \`revision\` + 1 where \`id\` = 1; end;`);
    this.addSql(`create trigger \`credential_revision_app_user_delete\` after delete on \`app_user\` begin update \`credential_revision\` set \`revision\` = \`revision\` + 1 where \`id\` = 1; end;`);
  }

}
