import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/core';
import { Authority } from '../auth/authorities.js';
import { Workspace } from '../auth/workspace.entity.js';
import { SignInSettings } from '../auth/sign-in-settings.entity.js';
import { describeSignInSettings, parseSignInOptions, saveSignInSettings, SignInSettingsError } from '../auth/sign-in-settings.js';

export const usage = `usage:
  npm run workspaces -- sign-in --workspace <name> --issuer <url> --audience <client id>
                        [--person-claim <claim>] [--match email|login|employeeNumber] [--jwks-uri <url>]
                        [--authority <AUTHORITY> ...] [--claim-authority <claim>=<value>:<AUTHORITY>[,…] ...]
                        [--role-authority <role>:<AUTHORITY>[,…] ...]
  npm run workspaces -- show --workspace <name>
  npm run workspaces -- remove-sign-in --workspace <name>

sign-in sets (replaces) how people of the workspace sign in with OpenID Connect tokens:
  --issuer           the provider's issuer, exactly as its tokens' "iss" (https; http only on localhost)
  --audience         the "aud" tokens must carry (the front-end's client id)
  --person-claim     the claim naming the person (default email)
  --match            the User attribute it matches (default: email for email, login for preferred_username)
  --jwks-uri         the provider's key set (default: jwks_uri of <issuer>/.well-known/openid-configuration)
  --authority        authorities every signed-in person gets (repeat, or comma-separated)
  --claim-authority  a claim value that adds authorities, e.g. groups=idg-admins:ORG_ADMIN
  --role-authority   membership of a catalog role that adds authorities, e.g. "All Employees:REQUESTER"
authorities: ${Object.values(Authority).join(', ')}`;

/** The database for one command: an EntityManager and how to let it go. */
export interface CliDatabase {
  em: EntityManager;
  close(): Promise<void>;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const SIGN_IN_OPTIONS = ['issuer', 'audience', 'person-claim', 'match', 'jwks-uri', 'authority', 'claim-authority', 'role-authority'] as const;

/** A usage mistake: printed as one line, exit code 2. */
class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        workspace: { type: 'string' },
        issuer: { type: 'string' },
        audience: { type: 'string' },
        'person-claim': { type: 'string' },
        match: { type: 'string' },
        'jwks-uri': { type: 'string' },
        authority: { type: 'string', multiple: true },
        'claim-authority': { type: 'string', multiple: true },
        'role-authority': { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    // node:util's messages run long; keep the option it names.
    const option = /'(-[^' ]*)/.exec((error as Error).message)?.[1];
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${option} (see --help)`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`option ${option ?? ''} needs a value (see --help)`);
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
}

/**
 * The workspaces command line: sets, shows and removes a workspace's sign-in settings. Returns the
 * exit code; every refusal is one line on stderr. The database is opened only for a valid command.
 */
export async function runWorkspacesCli(argv: string[], open: () => Promise<CliDatabase>, io: CliIo): Promise<number> {
  let db: CliDatabase | undefined;
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.out(`${usage}\n`);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (!command) throw new UsageError('missing command: sign-in, show or remove-sign-in (see --help)');
    if (!['sign-in', 'show', 'remove-sign-in'].includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)} (see --help)`);
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])} (see --help)`);
    if (!values.workspace?.trim()) throw new UsageError('--workspace is required');
    if (command !== 'sign-in') {
      const stray = SIGN_IN_OPTIONS.find((o) => values[o] !== undefined);
      if (stray) throw new UsageError(`--${stray} belongs to sign-in, not ${command}`);
    }
    const input = command === 'sign-in' ? parseSignInOptions(values) : undefined;

    db = await open();
    const em = db.em;
    const workspace = await em.findOne(Workspace, { name: values.workspace.trim() });
    if (!workspace) throw new UsageError(`no workspace named ${JSON.stringify(values.workspace)}`);
    if (input) {
      const saved = await saveSignInSettings(em, workspace, input);
      io.out(`sign-in settings of workspace ${workspace.name}:\n${describeSignInSettings(saved)}`);
    } else if (command === 'show') {
      const settings = await em.findOne(SignInSettings, { workspace });
      io.out(settings ? describeSignInSettings(settings) : `workspace ${workspace.name} has no sign-in settings (API keys only)\n`);
    } else {
      const n = await em.nativeDelete(SignInSettings, { workspace });
      io.out(n ? `removed the sign-in settings of workspace ${workspace.name}\n` : `workspace ${workspace.name} had no sign-in settings\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof SignInSettingsError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    io.err(`workspaces: ${(error as Error).message.split('\n')[0]}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}
