import { assertSecretsUsable, loadConfigOrExit } from '../config.js';
import { openOrm } from '../db/orm.js';
import { secretBox } from '../common/secrets.js';
import { resealConnectorTokens } from '../reconciliation/connector-secrets.js';

const usage = `usage:
  npm run secrets -- reseal     seal every stored connector token with SECRETS_KEY (plain ones, and ones sealed with a key of SECRETS_KEYS_PREVIOUS)`;

const config = loadConfigOrExit();
try {
  assertSecretsUsable(config);
} catch (error) {
  process.stderr.write(`Identity Graph cannot start: ${(error as Error).message}\n`);
  process.exit(1);
}
const command = process.argv[2];
if (command !== 'reseal') {
  process.stderr.write(`${usage}\n`);
  process.exit(1);
}
const orm = await openOrm(config);
try {
  await orm.getMigrator().up();
  const box = secretBox(config.secrets);
  const { sealed, unreadable } = await resealConnectorTokens(orm.em.fork(), box, { plainOnly: false });
  process.stdout.write(`sealed ${sealed} connector token(s) with key ${box.currentKeyId}\n`);
  if (unreadable > 0) {
    process.stderr.write(
      `${unreadable} connector token(s) were sealed with a key this process does not hold: add it to SECRETS_KEYS_PREVIOUS and run again, or set those tokens again\n`,
    );
    process.exitCode = 1;
  }
} finally {
  await orm.close();
}
