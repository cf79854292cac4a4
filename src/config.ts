import path from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Which driver: PostgreSQL when DATABASE_URL is a postgres:// URL, SQLite otherwise. */
  database: DatabaseKind;
  /** postgres:// URL, or the SQLite file path (':memory:' in tests). */
  databaseUrl: string;
  /** Largest `first` a connection accepts; larger is BAD_USER_INPUT, never silently cut. */
  maxPageSize: number;
  defaultPageSize: number;
  /** Fill an empty database with the demo data set on start. */
  seedDemoData: boolean;
  /** Largest task-comment attachment in bytes. */
  maxUploadBytes: number;
  /**
   * Prefetch nested selections of the catalog graph with one SQL statement (SQL_PLANNER=false
   * leaves every edge to its DataLoader).
   */
  sqlPlanner: boolean;
  /** Public base URL used in SCIM `meta.location`; defaults to the listening address. */
  publicUrl?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const url = env.DATABASE_URL?.trim();
  const isPg = !!url && /^postgres(ql)?:\/\//.test(url);
  return {
    env: mode,
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 4000),
    database: isPg ? 'postgresql' : 'sqlite',
    databaseUrl: isPg ? url! : (env.SQLITE_PATH ?? path.resolve('data', 'identity-graph.sqlite')),
    maxPageSize: 100,
    defaultPageSize: 20,
    seedDemoData: env.SEED_DEMO_DATA !== 'false',
    maxUploadBytes: Number(env.MAX_UPLOAD_BYTES ?? 5 * 1024 * 1024),
    sqlPlanner: env.SQL_PLANNER !== 'false',
    publicUrl: env.PUBLIC_URL,
  };
}
