import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds dist/ once before any test file runs: the tests that start the real entry points
 * (`node dist/src/main.js`, the CLIs) share it, and a file rebuilding it while another runs it
 * would race.
 */
export default function buildOnce(): void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
