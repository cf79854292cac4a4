import { loadConfigOrExit } from './config.js';
import type { App } from './app.js';
import { createLogger } from './logger.js';
import { isLoopbackHost } from './http/loopback.js';
import type { Workspace } from './auth/workspace.entity.js';
import { describeStartupError } from './startup.js';
import { startTracing, tracingWanted, type Tracing } from './observability/tracing.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' && process.stderr.isTTY === true });
// Tracing starts before the gateway's modules load (imported below, not at the top), so its
// instrumentations see http, graphql, knex and pg being required.
let tracing: Tracing | undefined;
if (tracingWanted(process.env)) {
  try {
    tracing = await startTracing(process.env);
    logger.info('tracing on (OpenTelemetry, configured by the OTEL_* variables)');
  } catch (error) {
    process.stderr.write(`Identity Graph cannot start: tracing (OTEL_*) could not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  }
}
const { createApp } = await import('./app.js');
const { DEMO_PERSON, ensureDemoWorkspace, rotateDevelopmentKey } = await import('./db/demo/seed-demo.js');
let demoKey: string | undefined;
let demoWorkspace: Workspace | undefined;
// Sandbox reads its headers each time it renders the page: they are filled once the port is ours.
const sandboxHeaders: Record<string, string> = {};

let app: App;
try {
  app = await createApp(config, {
    log: logger,
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
if (app.metricsUrl) process.stdout.write(`Prometheus metrics on ${app.metricsUrl}\n`);
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
    app
      .stop()
      .then(() => tracing?.stop())
      .then(
        () => process.exit(0),
        (error) => {
          logger.error('shutdown failed', { error: String(error) });
          process.exit(1);
        },
      );
  });
}
