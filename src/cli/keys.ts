import { loadConfigOrExit } from '../config.js';
import { openOrm } from '../db/orm.js';
import { Workspace } from '../auth/workspace.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { createApiKey } from '../auth/api-key.service.js';
import { Authority } from '../auth/authorities.js';
import { User } from '../governance/user.entity.js';
import { CommandError, exitWithUsage, readCommandLine, runCommand } from './command-line.js';

const usage = `usage:
  npm run keys -- create --workspace <name> --name <key name> [--authority ORG_ADMIN ...] [--person <login>] [--create-workspace]
  npm run keys -- list --workspace <name>
  npm run keys -- revoke --id <key id>
authorities: ${Object.values(Authority).join(', ')}`;

const { positionals, values } = readCommandLine(
  usage,
  {
    workspace: { type: 'string' },
    name: { type: 'string' },
    authority: { type: 'string', multiple: true },
    id: { type: 'string' },
    person: { type: 'string' },
    'create-workspace': { type: 'boolean' },
  },
  { positionals: ['create', 'list', 'revoke'] },
);

// The whole command line is checked before the database is opened.
const command = positionals[0];
if (command === undefined) exitWithUsage('name a command: create, list or revoke', usage);
const needs = { create: ['workspace', 'name'], list: ['workspace'], revoke: ['id'] } as const;
for (const flag of needs[command as keyof typeof needs]) {
  if (!values[flag]?.trim()) exitWithUsage(`${command} needs --${flag}`, usage);
}
const authorities = (values.authority ?? ['READ_ONLY']).map((a) => {
  if (!(a in Authority)) exitWithUsage(`unknown authority ${a}`, usage);
  return a as Authority;
});

const config = loadConfigOrExit();
await runCommand(config, async () => {
  const orm = await openOrm(config);
  try {
    await orm.getMigrator().up();
    const em = orm.em.fork();
    if (command === 'create') {
      let workspace = await em.findOne(Workspace, { name: values.workspace });
      if (!workspace && values['create-workspace']) {
        workspace = em.create(Workspace, { name: values.workspace! });
        await em.flush();
      }
      if (!workspace) throw new CommandError(`no workspace named ${values.workspace} (add --create-workspace)`);
      // A personal key acts as its person; without --person it is a service key.
      const person = values.person ? await em.findOne(User, { workspace, login: values.person }) : null;
      if (values.person && !person) throw new CommandError(`no person with login ${values.person} in workspace ${workspace.name}`);
      const { key, token } = await createApiKey(em, workspace, values.name!, authorities, person);
      process.stdout.write(
        `created ${person ? `personal key of ${person.login}` : 'service key'} ${key.id} (${authorities.join(', ')}) for workspace ${workspace.name}\n${token}\n`,
      );
    } else if (command === 'list') {
      const workspace = await em.findOne(Workspace, { name: values.workspace });
      if (!workspace) throw new CommandError(`no workspace named ${values.workspace}`);
      const keys = await em.find(ApiKey, { workspace }, { orderBy: { createdAt: 'asc' }, populate: ['person'] });
      for (const k of keys)
        process.stdout.write(`${k.id}  ${k.name}  ${k.authorities.join(',')}  ${k.person ? `person ${k.person.login}` : 'service'}  ${k.revokedAt ? 'revoked' : 'active'}\n`);
    } else {
      const n = await em.nativeUpdate(ApiKey, { id: values.id, revokedAt: null }, { revokedAt: new Date() });
      if (!n) throw new CommandError(`no active key ${values.id}`);
      process.stdout.write(`revoked ${values.id}\n`);
    }
  } finally {
    await orm.close();
  }
});
