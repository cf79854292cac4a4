import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoData, demoDataDir, readDemoData } from '../src/db/demo/demo-data.js';

// The demo data set is data files validated when loaded (issue 14): they load, every id is
// unique across collections (node(id) finds a type by id), and a broken file is refused with
// a line naming the file and the place.
describe('demo data files', () => {
  it('load and validate, with the seed records the examples reference', () => {
    expect(demoData.users.find((u) => u.login === 'aaron')?.id).toBe('63aec79393ccdf675cc4ccf4');
    expect(demoData.targetSystems.find((t) => t.name === 'EntraID')?.acsSystemId).toBe('6737e186-8d54-48ce-a7da-a0be4d252172');
    expect(demoData.serviceRequests?.map((s) => s.name)).toEqual(['Laptop Replacement', 'Parking Badge']);
    // Seed 002's Reconciliation By ID / Fetch past Recon Events ids.
    expect(demoData.reconciliationBatches?.map((b) => [b.id, b.events.map((e) => e.id)])).toEqual([['657989cafdfcc6b38247bccf', ['65798a00fdfcc6b38247c729']]]);
  });

  it('gives every object an id no other object has', () => {
    const batches = demoData.reconciliationBatches ?? [];
    const ids = [
      demoData.users,
      demoData.targetSystems,
      demoData.entitlements,
      demoData.roles,
      demoData.accounts,
      demoData.approvalGroups ?? [],
      demoData.serviceRequests ?? [],
      batches,
      batches.flatMap((b) => b.events),
    ]
      .flat()
      .map((o) => o.id)
      .filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ['a misspelt key', 'users.json', (u: Array<Record<string, unknown>>) => Object.assign(u[0], { lgoin: 'x' }), /users\.json at 0: .*lgoin/],
    ['an id that is not 24 hex', 'roles.json', (r: Array<Record<string, unknown>>) => Object.assign(r[1], { id: 'role-1' }), /roles\.json at 1\.id: .*24-hex/],
    ['a wrong type', 'target-systems.json', (t: Array<Record<string, unknown>>) => Object.assign(t[0], { staleDays: 'five' }), /target-systems\.json at 0\.staleDays/],
  ])('refuses %s, naming the file and the place', (_, file, change, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-data-'));
    for (const f of fs.readdirSync(demoDataDir())) fs.copyFileSync(path.join(demoDataDir(), f), path.join(dir, f));
    const records = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    change(records);
    fs.writeFileSync(path.join(dir, file), JSON.stringify(records));
    expect(() => readDemoData(dir)).toThrow(message);
  });

  it('refuses a file that is not JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-data-'));
    for (const f of fs.readdirSync(demoDataDir())) fs.copyFileSync(path.join(demoDataDir(), f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'accounts.json'), '[{');
    expect(() => readDemoData(dir)).toThrow(/accounts\.json cannot be read as JSON/);
  });
});
