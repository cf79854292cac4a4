import { loadConfigOrExit } from './config.js';
import { createApp, type App } from './app.js';
import { logger } from './logger.js';
import { DEMO_PERSON, ensureDemoWorkspace, rotateDevelopmentKey } from './db/demo/seed-demo.js';
import { isLoopbackHost } from './http/loopback.js';
import type { Workspace } from './auth/workspace.entity.js';
import { describeStartupError } from './startup.js';

const config = loadConfigOrExit();
let demoKey: string | undefined;
let demoWorkspace: Workspace | undefined;
// Sandbox reads its headers each time it renders the page: they are filled once the port is ours.
const sandboxHeaders: Record<string, string> = {};

let app: App;
try {
  app = await createApp(config, {
    prepare: async (orm) => {
      if (!config.seedDemoData) return;
      const { workspace, created } = await ensureDemoWorkspace(orm, config);
      if (created) logger.info('demo workspace created and filled from the seed documents', { workspace: workspace.id });
      if (config.env !== 'development') return;
      // Never hand out a key on an address others can reach.
      if (!isLoopbackHost(config.host)) {
        logger.info('no development key: the server listens on a non-loopback address', { host: config.host });
        return;
      }
      demoWorkspace = workspace;
      return { sandboxHeaders };
    },
  });
  // Only with the port bound does this run replace the previous run's key: a second instance on
  // the same database fails to listen above and leaves the running server's key alone.
  if (demoWorkspace) {
    demoKey = await rotateDevelopmentKey(app.orm, demoWorkspace);
    sandboxHeaders.Authorization = `Bearer ${demoKey}`;
  }
} catch (error) {
  process.stderr.write(`Identity Graph cannot start: ${describeStartupError(error, config)}\n`);
  process.exit(1);
}

const where = config.database === 'sqlite' ? config.databaseUrl : 'PostgreSQL (DATABASE_URL)';
const mode = process.env.NODE_ENV ? config.env : `${config.env}: NODE_ENV is unset and ${config.env === 'production' ? 'this is not' : 'this is'} a terminal`;
process.stdout.write(`\nIdentity Graph is listening on ${app.url}  (${mode}; database: ${where})\n`);
if (demoKey) {
  process.stdout.write(`Open ${app.url} in a browser for Apollo Sandbox: its Authorization header is pre-filled.\n`);
  process.stdout.write(`Development demo key (personal key of ${DEMO_PERSON}, ORG_ADMIN, workspace "demo"; a new one each start):\n  Authorization: Bearer ${demoKey}\n\n`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    app.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  });
}
