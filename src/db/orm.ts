import 'reflect-metadata';
import { MikroORM, type Options } from '@mikro-orm/core';
import { BoundPostgreSqlDriver, BoundSqliteDriver } from './bound-parameters.js';
import { Migrator } from '@mikro-orm/migrations';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { entities } from './entities.js';
import { CREDENTIAL_REVISION_SQL } from '../auth/api-key.service.js';
import { TextLengthCheck } from './text-length.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import { postgresqlMigrations } from './migrations/postgresql/index.js';

export type Orm = MikroORM;

/**
 * MikroORM options for the configured database; migrations are listed in code, one set per
 * dialect. `statementTimeoutMs` (PostgreSQL) makes the server cancel any statement running
 * longer: the gateway passes its request timeout, so work behind a request answered 504 does not
 * run on (migrations and the command-line tools open the database without it).
 */
export function ormOptions(config: Config, statementTimeoutMs?: number): Options {
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
      driver: BoundPostgreSqlDriver,
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: 10 },
      ...(statementTimeoutMs ? { driverOptions: { connection: { statement_timeout: statementTimeoutMs } } } : {}),
      migrations: { ...common.migrations, path: 'src/db/migrations/postgresql', migrationsList: postgresqlMigrations },
    };
  }
  return {
    ...common,
    driver: BoundSqliteDriver,
    dbName: config.databaseUrl,
    migrations: { ...common.migrations, path: 'src/db/migrations/sqlite', migrationsList: sqliteMigrations },
  };
}

export async function openOrm(config: Config, options: { statementTimeoutMs?: number } = {}): Promise<MikroORM> {
  if (config.database === 'sqlite' && config.databaseUrl !== ':memory:') {
    fs.mkdirSync(path.dirname(config.databaseUrl), { recursive: true });
  }
  const orm = await MikroORM.init(ormOptions(config, options.statementTimeoutMs));
  if (config.database === 'sqlite') {
    // WAL lets readers run while a writer commits; foreign keys are off by default in SQLite.
    const conn = orm.em.getConnection();
    if (config.databaseUrl !== ':memory:') await conn.execute('pragma journal_mode = wal');
    await conn.execute('pragma foreign_keys = on');
    // In WAL mode, NORMAL syncs the log at checkpoints, not at each commit: a committed
    // transaction is in the operating system's cache when the commit returns, so it survives
    // the process being killed (test/crash-durability.test.ts) but not a power loss or an OS
    // crash, which may take the last commits (never corrupting the file). FULL syncs every
    // commit and survives those too, at the cost of one fsync per write (SQLITE_SYNCHRONOUS).
    await conn.execute(`pragma synchronous = ${config.sqliteSynchronous}`);
  }
  return orm;
}

/**
 * Counts SQL statements sent through the ORM's connection (tests and the benchmark read it):
 * what operations cost. The credential revision every request reads first (src/auth) is not
 * counted, so an operation's count does not depend on how it was authenticated. `each` runs per
 * counted statement, in the async context of the code that sent it (the access line counts a
 * request's own statements that way).
 */
export function countStatements(orm: MikroORM, each?: () => void): { value: () => number; reset: () => void } {
  let n = 0;
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { on(e: string, f: (query: { sql?: string }) => void): void } }).getKnex();
  knex.on('query', (query) => {
    if (query.sql === CREDENTIAL_REVISION_SQL) return;
    n++;
    each?.();
  });
  return { value: () => n, reset: () => void (n = 0) };
}
