import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180542 } from './Migration20261123180542.js';
import { Migration20261130115121 } from './Migration20261130115121.js';
import { Migration20261130115805 } from './Migration20261130115805.js';

/** The sqlite migrations in order; listed in code so they run the same from TypeScript and from dist/. */
export const sqliteMigrations: MigrationObject[] = [
  { name: 'Migration20261123180542', class: Migration20261123180542 },
  { name: 'Migration20261130115121', class: Migration20261130115121 },
  { name: 'Migration20261130115805', class: Migration20261130115805 },
];
