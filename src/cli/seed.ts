import { performance } from 'node:perf_hooks';
import { loadConfigOrExit } from '../config.js';
import { describeStartupError } from '../startup.js';
import { openOrm } from '../db/orm.js';
import { seedScaleData, SeedRefused } from '../db/scale-seed.js';
import { ProgressBar } from './progress.js';
import { parseSeedArgs, SEED_USAGE, UsageError } from './seed-options.js';

/** `npm run seed`: the scale data set in a new workspace (see SEED_USAGE). */
let options;
try {
  options = parseSeedArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${SEED_USAGE}\n`);
  process.exit(1);
}
if (options === 'help') {
  process.stdout.write(`${SEED_USAGE}\n`);
  process.exit(0);
}

const started = performance.now();
const config = loadConfigOrExit();
let orm;
try {
  orm = await openOrm(config);
  await orm.getMigrator().up();
  const bar = new ProgressBar(process.stderr);
  const result = await seedScaleData(orm, options, (stage, done, total) => bar.update(stage, done, total));
  bar.finish();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const where = config.database === 'sqlite' ? config.databaseUrl : 'PostgreSQL (DATABASE_URL)';
  const rows = Object.entries(result.counts);
  process.stdout.write(
    [
      `workspace "${options.workspace}" (${result.workspaceId}) in ${where}`,
      ...rows.map(([table, n]) => `  ${table.padEnd(18)} ${n.toLocaleString('en-US').padStart(10)}`),
      `  ${'total rows'.padEnd(18)} ${rows
        .reduce((sum, [, n]) => sum + n, 0)
        .toLocaleString('en-US')
        .padStart(10)}`,
      `generated in ${seconds(result.generateMs)}, written in ${seconds(result.loadMs)}, ${seconds(performance.now() - started)} in all`,
      'ORG_ADMIN API key for the workspace (shown once):',
      `  Authorization: Bearer ${result.token}`,
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`\n${error instanceof SeedRefused ? error.message : describeStartupError(error, config)}\n`);
  process.exitCode = 1;
} finally {
  await orm?.close();
}
