import 'reflect-metadata';
import { MikroORM, type Options } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { entities } from './entities.js';
import { TextLengthCheck } from './text-length.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import { postgresqlMigrations } from './migrations/postgresql/index.js';

export type Orm = MikroORM;

/** MikroORM options for the configured database; migrations are listed in code, one set per dialect. */
export function ormOptions(config: Config): Options {
  const common = {
    entities,
    discovery: { warnWhenNoEntities: true },
    extensions: [Migrator],
    subscribers: [new TextLengthCheck()],
    allowGlobalContext: false,
    debug: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      emit: 'ts' as const,
      snapshot: false,
      silent: true,
    },
  };
  if (config.database === 'postgresql') {
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: 10 },
      migrations: { ...common.migrations, path: 'src/db/migrations/postgresql', migrationsList: postgresqlMigrations },
    };
  }
  return {
    ...common,
    driver: SqliteDriver,
    dbName: config.databaseUrl,
    migrations: { ...common.migrations, path: 'src/db/migrations/sqlite', migrationsList: sqliteMigrations },
  };
}

export async function openOrm(config: Config): Promise<MikroORM> {
  if (config.database === 'sqlite' && config.databaseUrl !== ':memory:') {
    fs.mkdirSync(path.dirname(config.databaseUrl), { recursive: true });
  }
  const orm = await MikroORM.init(ormOptions(config));
  if (config.database === 'sqlite') {
    // WAL lets readers run while a writer commits; foreign keys are off by default in SQLite.
    const conn = orm.em.getConnection();
    if (config.databaseUrl !== ':memory:') await conn.execute('pragma journal_mode = wal');
    await conn.execute('pragma foreign_keys = on');
    await conn.execute('pragma synchronous = normal');
  }
  return orm;
}

/** Counts SQL statements sent through the ORM's connection (tests and the benchmark read it). */
export function countStatements(orm: MikroORM): { value: () => number; reset: () => void } {
  let n = 0;
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { on(e: string, f: () => void): void } }).getKnex();
  knex.on('query', () => {
    n++;
  });
  return { value: () => n, reset: () => void (n = 0) };
}
