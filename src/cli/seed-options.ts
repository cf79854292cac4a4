import { parseArgs } from 'node:util';
import { DEFAULT_SHAPE, type Shape } from '../db/generate.js';
import type { ScaleSeedOptions } from '../db/scale-seed.js';

/** The flags of `npm run seed`, each naming a field of the generator's Shape. */
const SHAPE_FLAGS = {
  users: 'users',
  roles: 'roles',
  systems: 'systems',
  'entitlements-per-system': 'entitlementsPerSystem',
  'roles-per-user': 'rolesPerUser',
  'entitlements-per-role': 'entitlementsPerRole',
  'accounts-per-user': 'accountsPerUser',
  seed: 'seed',
} as const satisfies Record<string, keyof Shape>;

export const DEFAULT_WORKSPACE = 'bench';

export const SEED_USAGE = `usage: npm run seed -- [options]

Generates a deterministic identity data set and writes it into a new workspace of the configured
database (SQLITE_PATH, or DATABASE_URL for PostgreSQL), then prints an ORG_ADMIN API key.

options (all optional):
${Object.entries(SHAPE_FLAGS)
  .map(([flag, field]) => `  --${flag.padEnd(25)} default ${DEFAULT_SHAPE[field]}`)
  .join('\n')}
  --workspace <name>          default ${DEFAULT_WORKSPACE}
  --replace                   drop the workspace first when it exists (otherwise: refuse)
  --help                      show this text`;

/** A bad command line: the CLI prints the message and the usage text, and exits with 1. */
export class UsageError extends Error {}

/** Reads the command line of `npm run seed`; anything unknown or malformed is a UsageError. */
export function parseSeedArgs(argv: string[]): ScaleSeedOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(SHAPE_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
        workspace: { type: 'string' },
        replace: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed as { values: Record<string, string | boolean | undefined> };
  if (values.help) return 'help';

  const shape: Shape = { ...DEFAULT_SHAPE };
  for (const [flag, field] of Object.entries(SHAPE_FLAGS)) {
    const text = values[flag];
    if (text === undefined) continue;
    const value = /^\d+$/.test(String(text)) ? Number(text) : NaN;
    // The seed feeds a 32-bit generator; counts above a million are a typo, not a benchmark.
    const max = field === 'seed' ? 0xffffffff : 1_000_000;
    if (!Number.isSafeInteger(value) || value > max) throw new UsageError(`--${flag} must be a whole number from 0 to ${max}, got "${text}"`);
    shape[field] = value;
  }
  const workspace = values.workspace === undefined ? DEFAULT_WORKSPACE : String(values.workspace).trim();
  if (!workspace) throw new UsageError('--workspace must not be empty');
  return { shape, workspace, replace: values.replace === true };
}
