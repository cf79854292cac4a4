import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180542 } from './Migration20261123180542.js';
import { Migration20261130115122 } from './Migration20261130115122.js';
import { Migration20261130115503 } from './Migration20261130115503.js';
import { Migration20261130115812 } from './Migration20261130115812.js';
import { Migration20261130120030 } from './Migration20261130120030.js';
import { Migration20261130120641 } from './Migration20261130120641.js';
import { Migration20261130140928 } from './Migration20261130140928.js';
import { Migration20261130141410 } from './Migration20261130141410.js';
import { Migration20261130142516 } from './Migration20261130142516.js';

/** The postgresql migrations in order; listed in code so they run the same from TypeScript and from dist/. */
export const postgresqlMigrations: MigrationObject[] = [
  { name: 'Migration20261123180542', class: Migration20261123180542 },
  { name: 'Migration20261130115122', class: Migration20261130115122 },
  { name: 'Migration20261130115503', class: Migration20261130115503 },
  { name: 'Migration20261130115812', class: Migration20261130115812 },
  { name: 'Migration20261130120030', class: Migration20261130120030 },
  { name: 'Migration20261130120641', class: Migration20261130120641 },
  { name: 'Migration20261130140928', class: Migration20261130140928 },
  { name: 'Migration20261130141410', class: Migration20261130141410 },
  { name: 'Migration20261130142516', class: Migration20261130142516 },
];
