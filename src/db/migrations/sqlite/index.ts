import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180542 } from './Migration20261123180542.js';
import { Migration20261130115121 } from './Migration20261130115121.js';
import { Migration20261130115459 } from './Migration20261130115459.js';
import { Migration20261130115805 } from './Migration20261130115805.js';
import { Migration20261130120026 } from './Migration20261130120026.js';
import { Migration20261130120636 } from './Migration20261130120636.js';
import { Migration20261130140927 } from './Migration20261130140927.js';
import { Migration20261130142146 } from './Migration20261130142146.js';
import { Migration20261130141502 } from './Migration20261130141502.js';
import { Migration20261130142943 } from './Migration20261130142943.js';
import { Migration20261130155001 } from './Migration20261130155001.js';
import { Migration20261130155002 } from './Migration20261130155002.js';
import { Migration20261130161500 } from './Migration20261130161500.js';

/** The sqlite migrations in order; listed in code so they run the same from TypeScript and from dist/. */
export const sqliteMigrations: MigrationObject[] = [
  { name: 'Migration20261123180542', class: Migration20261123180542 },
  { name: 'Migration20261130115121', class: Migration20261130115121 },
  { name: 'Migration20261130115459', class: Migration20261130115459 },
  { name: 'Migration20261130115805', class: Migration20261130115805 },
  { name: 'Migration20261130120026', class: Migration20261130120026 },
  { name: 'Migration20261130120636', class: Migration20261130120636 },
  { name: 'Migration20261130140927', class: Migration20261130140927 },
  { name: 'Migration20261130142146', class: Migration20261130142146 },
  { name: 'Migration20261130141502', class: Migration20261130141502 },
  { name: 'Migration20261130142943', class: Migration20261130142943 },
  { name: 'Migration20261130155001', class: Migration20261130155001 },
  { name: 'Migration20261130155002', class: Migration20261130155002 },
  { name: 'Migration20261130161500', class: Migration20261130161500 },
];
