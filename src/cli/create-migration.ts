import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { loadConfigOrExit, type Config } from '../config.js';
import { openOrm } from '../db/orm.js';
import { readCommandLine, runCommand } from './command-line.js';

const DIALECTS = ['sqlite', 'postgresql'] as const;
const usage = `usage: npm run migration:create [-- sqlite | postgresql]

Writes the next migration of each dialect (both when none is named) from the difference between
the entities and a scratch database migrated to the current migrations, then rewrites the
dialect's index.ts. PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.`;

/**
 * Writes the next migration for each dialect from the difference between the entities and a
 * database migrated to the current migrations, then rewrites each dialect's index.ts.
 * SQLite uses a scratch file; PostgreSQL uses DATABASE_URL (or the local `test` database)
 * inside a scratch schema, so no real data is touched.
 */
const { positionals } = readCommandLine(usage, {}, { positionals: DIALECTS, maxPositionals: DIALECTS.length });
const dialects = positionals.length ? positionals : DIALECTS;
const base = loadConfigOrExit({ ...process.env, NODE_ENV: 'test' });

// The database a failure is about, for its one-line message.
let current: Config = base;
await runCommand(
  () => current,
  async () => {
    for (const dialect of dialects) {
      const dir = path.resolve('src/db/migrations', dialect);
      let config: Config;
      let cleanup = async () => {};
      if (dialect === 'sqlite') {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ig-migrate-')), 'scratch.sqlite');
        config = { ...base, database: 'sqlite', databaseUrl: file };
      } else {
        const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
        current = { ...base, database: 'postgresql', databaseUrl: url };
        const admin = await openOrm(current);
        await admin.em.getConnection().execute('drop database if exists ig_migrate_scratch');
        await admin.em.getConnection().execute('create database ig_migrate_scratch');
        await admin.close();
        config = { ...base, database: 'postgresql', databaseUrl: url.replace(/\/[^/]*$/, '/ig_migrate_scratch') };
        cleanup = async () => {
          const again = await openOrm({ ...base, database: 'postgresql', databaseUrl: url });
          await again.em.getConnection().execute('drop database if exists ig_migrate_scratch');
          await again.close();
        };
      }
      const orm = await openOrm(config);
      const migrator = orm.getMigrator();
      await migrator.up();
      const result = await migrator.createMigration(dir, false, false);
      await orm.close();
      await cleanup();
      if (!result.fileName) {
        process.stdout.write(`${dialect}: schema is up to date, no migration written\n`);
        continue;
      }
      const names = fs
        .readdirSync(dir)
        .filter((f) => /^Migration\d+.*\.ts$/.test(f))
        .map((f) => f.replace(/\.ts$/, ''))
        .sort();
      const index = [
        "import type { MigrationObject } from '@mikro-orm/core';",
        ...names.map((n) => `import { ${n} } from './${n}.js';`),
        '',
        `/** The ${dialect} migrations in order; listed in code so they run the same from TypeScript and from dist/. */`,
        `export const ${dialect}Migrations: MigrationObject[] = [`,
        ...names.map((n) => `  { name: '${n}', class: ${n} },`),
        '];',
        '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'index.ts'), index);
      process.stdout.write(`${dialect}: wrote ${result.fileName}\n`);
    }
  },
);
