import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config.js';
import { describeStartupError } from '../startup.js';

/** A bad command line: the CLI prints the message and its usage text, and exits with 1. */
export class UsageError extends Error {}

/** An expected failure of a command (no such key, no such workspace): one line on stderr, exit 1. */
export class CommandError extends Error {}

/** Prints the message and the usage on stderr and ends the process with 1. */
export function exitWithUsage(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(1);
}

/**
 * Reads a CLI's command line before it touches anything: `--help` (or `-h`) prints the usage and
 * exits 0; an unknown flag, a missing flag value or a positional argument not in `positionals`
 * prints the problem and the usage and exits 1.
 */
type Options = NonNullable<ParseArgsConfig['options']>;

export function readCommandLine<const O extends Options>(
  usage: string,
  options: O,
  rules: { positionals?: readonly string[]; maxPositionals?: number } = {},
  argv: string[] = process.argv.slice(2),
) {
  const config = { args: argv, strict: true, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } } as const;
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    exitWithUsage((error as Error).message, usage);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const allowed = rules.positionals ?? [];
  const max = rules.maxPositionals ?? (allowed.length ? 1 : 0);
  if (parsed.positionals.length > max) exitWithUsage(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`, usage);
  const unknown = parsed.positionals.find((p) => !allowed.includes(p));
  if (unknown !== undefined) exitWithUsage(`unknown argument ${JSON.stringify(unknown)}`, usage);
  return parsed;
}

/** Runs a command's work; any failure is one line on stderr (no stack trace) and exit code 1. */
export async function runCommand(config: Config | (() => Config), work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof CommandError ? error.message : describeStartupError(error, typeof config === 'function' ? config() : config);
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  }
}
