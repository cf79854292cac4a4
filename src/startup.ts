import type { Config } from './config.js';

/** Node's and the database drivers' error codes that say what went wrong at start. */
interface CodedError {
  code?: string;
  errno?: number;
  message?: string;
  address?: string;
  port?: number;
  syscall?: string;
}

/** Where the database is, for a message: PostgreSQL's host, port and database (never the password), or the SQLite file. */
export function databaseLabel(config: Config): string {
  if (config.database === 'sqlite') return `the SQLite file ${config.databaseUrl} (SQLITE_PATH)`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname || 'the local socket'}${url.port ? `:${url.port}` : ''}${url.pathname} (DATABASE_URL)`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** The first line of an error's message, without the SQL or stack a driver may append. */
function firstLine(error: unknown): string {
  const message = error instanceof Error || (typeof error === 'object' && error !== null) ? String((error as CodedError).message ?? error) : String(error);
  return message
    .split('\n')[0]
    .replace(/^.* - (?=[a-z])/, '')
    .trim();
}

/**
 * One line saying why the gateway (or a command) could not start: a port in use, a database it
 * cannot reach, … Never a stack trace: the person reading it runs the server, not its code.
 */
export function describeStartupError(error: unknown, config: Config): string {
  const e = (error ?? {}) as CodedError;
  switch (e.code) {
    case 'EADDRINUSE':
      return `port ${config.port} on ${config.host} is already in use (another Identity Graph? set PORT to another port)`;
    case 'EADDRNOTAVAIL':
      return `HOST ${config.host} is not an address of this machine`;
    case 'EACCES':
      if (e.syscall === 'listen') return `no permission to listen on port ${config.port} (ports below 1024 need privileges; set PORT)`;
      break;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return `cannot reach ${databaseLabel(config)}: ${firstLine(error)}`;
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification
    case '3D000': // invalid_catalog_name: no such database
      return `${databaseLabel(config)} refused the connection: ${firstLine(error)}`;
  }
  if (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) return `cannot use ${databaseLabel(config)}: ${firstLine(error)}`;
  return firstLine(error);
}
