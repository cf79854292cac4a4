import { Migration } from '@mikro-orm/migrations';

export class Migration20261130120026 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`role\` add column \`origin\` text not null default 'CATALOG';`);
    // Directory groups: the roles POST /Groups created are not catalog roles, nor requestable.
    this.addSql(`update role set origin = 'SCIM', is_requestable = 0 where id in (select entity_id from audit_event where action = 'scimGroup.create' and entity_type = 'Role');`);
    // ASSIGNED memberships split by source: a SCIM one where a SCIM user of the person links the
    // role; a REQUEST one where none does, or where the person's last approved request for the
    // role granted it (then the person holds it through both).
    this.addSql(`insert into role_member (id, role_id, user_id, source, created_at)
      select lower(hex(randomblob(12))), role_id, user_id, 'SCIM', created_at from role_member
      where source = 'ASSIGNED' and exists (select 1 from scim_user su join scim_user_role l on l.scim_user_id = su.id where su.user_id = role_member.user_id and l.role_id = role_member.role_id);`);
    this.addSql(`update role_member set source = 'REQUEST' where source = 'ASSIGNED' and (not exists (select 1 from scim_user su join scim_user_role l on l.scim_user_id = su.id where su.user_id = role_member.user_id and l.role_id = role_member.role_id)
      or (select ar.type from access_request ar join app_user u on u.login = ar.beneficiary_login and u.workspace_id = ar.workspace_id
      where u.id = role_member.user_id and ar.entity_type = 'Role' and ar.entity_id = role_member.role_id and ar.request_type = 'Access'
        and ar.resolution = 'Approved' and ar.type in ('create', 'revoke') order by ar.completed_date desc, ar.create_date desc limit 1) = 'create');`);
    this.addSql(`delete from role_member where source = 'ASSIGNED';`);
  }

}
