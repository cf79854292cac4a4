import { loadConfigOrExit } from '../config.js';
import { openOrm } from '../db/orm.js';
import { runWorkspacesCli } from './workspaces-command.js';

/** `npm run workspaces -- …`: a workspace's sign-in settings (see workspaces-command.ts). */
const config = loadConfigOrExit();
process.exitCode = await runWorkspacesCli(
  process.argv.slice(2),
  async () => {
    const orm = await openOrm(config);
    await orm.getMigrator().up();
    return { em: orm.em.fork(), close: () => orm.close() };
  },
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
);
