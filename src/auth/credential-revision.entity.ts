import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One row (id 1) whose revision goes up whenever a credential may have lost access: an API key
 * is changed, revoked or deleted, or a person's status or login changes, or a person is deleted.
 * Database triggers (see the migration that creates this table) raise it, so every writer counts
 * — a service, a CLI, a script in SQL — and every gateway process sees it on its next request.
 */
@Entity({ tableName: 'credential_revision' })
export class CredentialRevision {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: 'integer' })
  revision!: number;
}
