import { JsonProperty, Utils, type Configuration, type LogContext, type Transaction } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import { PostgreSqlConnection, PostgreSqlDriver } from '@mikro-orm/postgresql';
import Database from 'better-sqlite3';

/** SQL text with `?` placeholders only, and the values that go with them, in order. */
export interface BoundQuery {
  sql: string;
  bindings: unknown[];
}

/** What the two dialects need from their platform to turn MikroORM's parameters into bindings. */
interface Dialect {
  quoteIdentifier(id: string): string;
  /** A date as the platform would have written it into the SQL text, as a value. */
  date(value: Date): unknown;
}

type Fragment = { sql: string; params?: unknown[] };
type KnexRaw = { toSQL(): { sql: string; bindings?: readonly unknown[] } };

const isKnexRaw = (value: unknown): value is KnexRaw => typeof value === 'object' && value !== null && 'client' in value && ['Raw', 'Ref'].includes(value.constructor.name);

/**
 * Rewrites MikroORM's (sql, params) into SQL whose only variable parts are placeholders. MikroORM
 * 6 hands every query to knex as one string with each parameter escaped into it
 * (`platform.formatQuery`); this keeps its reading of the parameters (`??` an identifier, `\?` a
 * literal question mark, raw fragments and knex raws spliced in with their own parameters, an
 * array a comma list, an object its JSON) but leaves every value to the database driver.
 */
export function bindParameters(dialect: Dialect, sql: string, params: readonly unknown[]): BoundQuery {
  const bindings: unknown[] = [];
  let out = '';
  let next = 0;
  let pos = 0;
  while (pos < sql.length) {
    const at = sql.indexOf('?', pos);
    if (at === -1) {
      out += sql.slice(pos);
      break;
    }
    out += sql.slice(pos, at);
    if (at > 0 && sql[at - 1] === '\\') {
      // An escaped question mark stays escaped: knex turns `\?` back into `?` when it numbers
      // the placeholders.
      out += '?';
      pos = at + 1;
    } else if (sql[at + 1] === '?') {
      out += dialect.quoteIdentifier(String(params[next++]));
      pos = at + 2;
    } else {
      out += placeholder(dialect, params[next++], bindings);
      pos = at + 1;
    }
  }
  return { sql: out, bindings };
}

function placeholder(dialect: Dialect, value: unknown, bindings: unknown[]): string {
  if (Utils.isRawSql(value)) return splice(dialect, value as Fragment, bindings);
  if (isKnexRaw(value)) {
    const q = value.toSQL();
    return splice(dialect, { sql: q.sql, params: [...(q.bindings ?? [])] }, bindings);
  }
  if (Array.isArray(value)) {
    return value.map((v) => (Array.isArray(v) ? `(${placeholder(dialect, v, bindings)})` : placeholder(dialect, v, bindings))).join(', ');
  }
  bindings.push(toBinding(dialect, value));
  return '?';
}

function splice(dialect: Dialect, fragment: Fragment, bindings: unknown[]): string {
  const inner = bindParameters(dialect, fragment.sql, fragment.params ?? []);
  bindings.push(...inner.bindings);
  return inner.sql;
}

function toBinding(dialect: Dialect, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return dialect.date(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Utils.isPlainObject(value) || (typeof value === 'object' && (value as Record<symbol, unknown>)[JsonProperty])) return JSON.stringify(value);
  return value;
}

type ExecuteMethod = 'all' | 'get' | 'run';

/** The parts of a MikroORM SQL connection that a bound execute uses. */
interface SqlConnection {
  ensureConnection(): Promise<void>;
  getKnex(): Knex;
  config: Configuration;
  platform: { formatQuery(sql: string, params: readonly unknown[]): string };
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: LogContext): Promise<T>;
  transformRawResult<T>(res: unknown, method: ExecuteMethod): T;
}

/**
 * The body of `execute` for both dialects: MikroORM's own (same hook, logging and result shape),
 * except that knex receives the values as bindings, so the driver sends them apart from the
 * SQL text (prepared-statement parameters on SQLite, the extended protocol on PostgreSQL).
 */
async function executeBound<T>(
  connection: SqlConnection,
  dialect: Dialect,
  queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
  params: readonly unknown[],
  method: ExecuteMethod,
  ctx: Transaction | undefined,
  loggerContext: LogContext | undefined,
): Promise<T> {
  await connection.ensureConnection();
  let sql: string;
  let values: readonly unknown[] = params;
  if (typeof queryOrKnex === 'string') {
    sql = queryOrKnex;
  } else {
    ctx ??= (queryOrKnex as unknown as { client: { transacting?: boolean } }).client.transacting ? (queryOrKnex as unknown as Transaction) : undefined;
    const q = queryOrKnex.toSQL();
    sql = q.sql;
    values = q.bindings ?? [];
  }
  sql = connection.config.get('onQuery')(sql, values as unknown[]);
  const bound = bindParameters(dialect, sql, values);
  const logger = connection.config.getLogger();
  // Only the log line carries the values written out, and only when query-params logging is on.
  const logged = logger.isEnabled('query', loggerContext) && logger.isEnabled('query-params', loggerContext) ? connection.platform.formatQuery(sql, values) : sql;
  return connection.executeQuery(
    logged,
    async () => {
      const query = bound.bindings.length ? connection.getKnex().raw(bound.sql, bound.bindings as Knex.RawBinding[]) : connection.getKnex().raw(bound.sql);
      if (ctx) query.transacting(ctx as Knex.Transaction);
      return connection.transformRawResult<T>(await query, method);
    },
    { query: sql, params: values as unknown[], ...loggerContext },
  );
}

class BoundSqliteConnection extends SqliteConnection {
  private reader: Database.Database | null | undefined;
  private readonly readerStatements = new Map<string, Database.Statement>();

  /**
   * Runs one read-only statement on a second, synchronous connection to the same file (native
   * better-sqlite3, in the calling thread), or returns undefined when there is none (an
   * in-memory database). The async driver hands every statement to a worker thread and copies
   * its rows back through libuv; for a statement that builds a large JSON text that costs a
   * fifth of its time. In WAL mode the reader sees what is committed, like any other
   * connection; it never writes (the file is opened read-only). The statement is announced on
   * knex's `query` event, so statement counts include it.
   */
  readCommitted(sql: string, bindings: readonly unknown[]): Array<Record<string, unknown>> | undefined {
    if (this.reader === undefined) {
      const file = this.config.get('dbName');
      this.reader = file && file !== ':memory:' && !file.startsWith('file::memory:') ? new Database(file, { readonly: true, fileMustExist: true }) : null;
    }
    if (!this.reader) return undefined;
    let statement = this.readerStatements.get(sql);
    if (!statement) {
      statement = this.reader.prepare(sql);
      // Compiled selections make one text per operation shape; keep a bounded set.
      if (this.readerStatements.size >= 200) this.readerStatements.delete(this.readerStatements.keys().next().value!);
      this.readerStatements.set(sql, statement);
    }
    (this.getKnex() as unknown as { emit(event: string, data: unknown): void }).emit('query', { sql, bindings });
    return statement.all(...(bindings as unknown[])) as Array<Record<string, unknown>>;
  }

  override async close(force?: boolean): Promise<void> {
    this.readerStatements.clear();
    this.reader?.close();
    this.reader = undefined;
    await super.close(force);
  }

  override async execute<T>(
    queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
    params: unknown[] = [],
    method: ExecuteMethod = 'all',
    ctx?: Transaction,
    loggerContext?: LogContext,
  ): Promise<T> {
    const dialect: Dialect = {
      quoteIdentifier: (id) => this.platform.quoteIdentifier(id),
      // The SQLite platform writes dates as epoch milliseconds.
      date: (value) => value.getTime(),
    };
    return executeBound<T>(this as unknown as SqlConnection, dialect, queryOrKnex, params, method, ctx, loggerContext);
  }
}

class BoundPostgreSqlConnection extends PostgreSqlConnection {
  override async execute<T>(
    queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
    params: unknown[] = [],
    method: ExecuteMethod = 'all',
    ctx?: Transaction,
    loggerContext?: LogContext,
  ): Promise<T> {
    const platform = this.platform as unknown as { quoteIdentifier(id: string): string; formatDate(value: Date): string };
    const dialect: Dialect = { quoteIdentifier: (id) => platform.quoteIdentifier(id), date: (value) => platform.formatDate(value) };
    return executeBound<T>(this as unknown as SqlConnection, dialect, queryOrKnex, params, method, ctx, loggerContext);
  }
}

/**
 * A read-only statement on the SQLite file through the synchronous reader (see
 * `BoundSqliteConnection.readCommitted`), or undefined when the driver has none.
 */
export function readCommitted(connection: unknown, sql: string, bindings: readonly unknown[]): Array<Record<string, unknown>> | undefined {
  return connection instanceof BoundSqliteConnection ? connection.readCommitted(sql, bindings) : undefined;
}

/** MikroORM's SQLite driver with every value sent to the database as a bound parameter. */
export class BoundSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    const self = this as unknown as { connection: unknown; replicas: unknown[] };
    self.connection = new BoundSqliteConnection(this.config);
    self.replicas = [];
  }
}

/** MikroORM's PostgreSQL driver with every value sent to the database as a bound parameter. */
export class BoundPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    const self = this as unknown as { connection: unknown; replicas: unknown[] };
    self.connection = new BoundPostgreSqlConnection(this.config);
    self.replicas = [];
  }
}
