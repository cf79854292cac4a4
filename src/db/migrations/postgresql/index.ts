import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180542 } from './Migration20261123180542.js';
import { Migration20261130115122 } from './Migration20261130115122.js';
import { Migration20261130115503 } from './Migration20261130115503.js';
import { Migration20261130115812 } from './Migration20261130115812.js';
import { Migration20261130120030 } from './Migration20261130120030.js';
import { Migration20261130120641 } from './Migration20261130120641.js';
import { Migration20261130140928 } from './Migration20261130140928.js';
import { Migration20261130142151 } from './Migration20261130142151.js';
import { Migration20261130141503 } from './Migration20261130141503.js';
import { Migration20261130142947 } from './Migration20261130142947.js';
import { Migration20261130155001 } from './Migration20261130155001.js';
import { Migration20261130155002 } from './Migration20261130155002.js';
import { Migration20261130161500 } from './Migration20261130161500.js';

/** The postgresql migrations in order; listed in code so they run the same from TypeScript and from dist/. */
export const postgresqlMigrations: MigrationObject[] = [
  { name: 'Migration20261123180542', class: Migration20261123180542 },
  { name: 'Migration20261130115122', class: Migration20261130115122 },
  { name: 'Migration20261130115503', class: Migration20261130115503 },
  { name: 'Migration20261130115812', class: Migration20261130115812 },
  { name: 'Migration20261130120030', class: Migration20261130120030 },
  { name: 'Migration20261130120641', class: Migration20261130120641 },
  { name: 'Migration20261130140928', class: Migration20261130140928 },
  { name: 'Migration20261130142151', class: Migration20261130142151 },
  { name: 'Migration20261130141503', class: Migration20261130141503 },
  { name: 'Migration20261130142947', class: Migration20261130142947 },
  { name: 'Migration20261130155001', class: Migration20261130155001 },
  { name: 'Migration20261130155002', class: Migration20261130155002 },
  { name: 'Migration20261130161500', class: Migration20261130161500 },
];
