import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123175932 } from './Migration20261123175932.js';

/** The postgresql migrations in order; listed in code so they run the same from TypeScript and from dist/. */
export const postgresqlMigrations: MigrationObject[] = [
  { name: 'Migration20261123175932', class: Migration20261123175932 },
];
