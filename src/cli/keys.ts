import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config.js';
import { openOrm } from '../db/orm.js';
import { Workspace } from '../auth/workspace.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { createApiKey } from '../auth/api-key.service.js';
import { Authority } from '../auth/authorities.js';
import { User } from '../governance/user.entity.js';

const usage = `usage:
  npm run keys -- create --workspace <name> --name <key name> [--authority ORG_ADMIN ...] [--person <login>] [--create-workspace]
  npm run keys -- list --workspace <name>
  npm run keys -- revoke --id <key id>
authorities: ${Object.values(Authority).join(', ')}`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    workspace: { type: 'string' },
    name: { type: 'string' },
    authority: { type: 'string', multiple: true },
    id: { type: 'string' },
    person: { type: 'string' },
    'create-workspace': { type: 'boolean' },
  },
});

const orm = await openOrm(loadConfigOrExit());
await orm.getMigrator().up();
const em = orm.em.fork();
try {
  const command = positionals[0];
  if (command === 'create') {
    if (!values.workspace || !values.name) throw new Error(usage);
    const authorities = (values.authority ?? ['READ_ONLY']).map((a) => {
      if (!(a in Authority)) throw new Error(`unknown authority ${a}\n${usage}`);
      return a as Authority;
    });
    let workspace = await em.findOne(Workspace, { name: values.workspace });
    if (!workspace && values['create-workspace']) {
      workspace = em.create(Workspace, { name: values.workspace });
      await em.flush();
    }
    if (!workspace) throw new Error(`no workspace named ${values.workspace} (add --create-workspace)`);
    // A personal key acts as its person; without --person it is a service key.
    const person = values.person ? await em.findOne(User, { workspace, login: values.person }) : null;
    if (values.person && !person) throw new Error(`no person with login ${values.person} in workspace ${workspace.name}`);
    const { key, token } = await createApiKey(em, workspace, values.name, authorities, person);
    process.stdout.write(`created ${person ? `personal key of ${person.login}` : 'service key'} ${key.id} (${authorities.join(', ')}) for workspace ${workspace.name}\n${token}\n`);
  } else if (command === 'list') {
    const keys = await em.find(ApiKey, { workspace: { name: values.workspace } }, { orderBy: { createdAt: 'asc' }, populate: ['person'] });
    for (const k of keys)
      process.stdout.write(`${k.id}  ${k.name}  ${k.authorities.join(',')}  ${k.person ? `person ${k.person.login}` : 'service'}  ${k.revokedAt ? 'revoked' : 'active'}\n`);
  } else if (command === 'revoke') {
    const n = await em.nativeUpdate(ApiKey, { id: values.id, revokedAt: null }, { revokedAt: new Date() });
    process.stdout.write(n ? `revoked ${values.id}\n` : `no active key ${values.id}\n`);
  } else {
    throw new Error(usage);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await orm.close();
}
