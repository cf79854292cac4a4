/** Structured one-line JSON logs on stderr. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta: Record<string, unknown>): void;
}

const write =
  (level: string) =>
  (message: string, meta: Record<string, unknown> = {}) =>
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), message, ...meta })}\n`);

export const logger: Logger = { info: write('info'), warn: write('warn'), error: write('error') };
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
