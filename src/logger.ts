import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent } from 'pino';

/** What the gateway logs through: one JSON line per call (pino), `meta` merged into the line. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta: Record<string, unknown>): void;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON: development on a terminal. */
  pretty?: boolean;
  /** Where lines go (stderr by default); tests capture them here. */
  destination?: DestinationStream;
}

/**
 * Fields that may carry a credential or a document's content. The access line never includes
 * them; redaction is the net for a caller that passes a whole header map, variables or a body.
 */
const REDACTED = ['authorization', 'token', 'apiKey', 'password', 'secret', 'attachment', 'variables', 'body', 'headers'].flatMap((key) => [key, `*.${key}`]);

export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? 'info',
    messageKey: 'message',
    timestamp: stdTimeFunctions.isoTime,
    base: { pid: process.pid },
    redact: { paths: REDACTED, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const instance = options.pretty
    ? pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, messageKey: 'message', translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' } } })
    : pino(base, options.destination ?? pino.destination({ dest: 2, sync: true }));
  return {
    info: (message, meta) => instance.info(meta ?? {}, message),
    warn: (message, meta) => instance.warn(meta ?? {}, message),
    error: (message, meta) => instance.error(meta, message),
  };
}

/** The default logger (info, JSON on stderr) for code that runs before the configuration is read. */
export const logger: Logger = createLogger();
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
