import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoDataSetSchema, type DemoDataSet } from './demo-data.types.js';

/**
 * The demo data set is data: one JSON file per collection in src/db/demo/records (see its
 * README.md), taken from the seed documents, checked against the schema in demo-data.types.ts
 * when loaded. The files are read from the source tree, found from this module's place (it runs
 * from src/ under the tests and from dist/src/ once built).
 */
const FILES = {
  users: 'users.json',
  targetSystems: 'target-systems.json',
  entitlements: 'entitlements.json',
  roles: 'roles.json',
  accounts: 'accounts.json',
  approvalGroups: 'approval-groups.json',
  serviceRequests: 'service-requests.json',
  reconciliationBatches: 'reconciliation-batches.json',
} as const;

/** The folder of the data files: <package root>/src/db/demo/records. */
export function demoDataDir(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'db', 'demo', 'records');
    if (path.dirname(dir) === dir) throw new Error(`demo data: no package.json above ${from}`);
  }
}

/** Reads and validates the data files; a file that does not fit names itself and the path at fault. */
export function readDemoData(dir = demoDataDir()): DemoDataSet {
  const raw: Record<string, unknown> = {};
  for (const [key, file] of Object.entries(FILES)) {
    const full = path.join(dir, file);
    try {
      raw[key] = JSON.parse(fs.readFileSync(full, 'utf8'));
    } catch (error) {
      throw new Error(`demo data: ${file} cannot be read as JSON: ${(error as Error).message}`);
    }
  }
  const parsed = DemoDataSetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [key, ...rest] = issue.path.map(String);
    throw new Error(`demo data: ${FILES[key as keyof typeof FILES] ?? key} at ${rest.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

export const demoData: DemoDataSet = readDemoData();
