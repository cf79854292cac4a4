import fs from 'node:fs';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) this summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time per category (graphql-js, MikroORM, knex, sqlite3, …), largest first. */
  categories: Array<{ name: string; ms: number; share: number }>;
  /** Self time per function, largest first. */
  functions: Array<{ name: string; where: string; category: string; ms: number; share: number }>;
}

/** Which layer a script belongs to: the npm package, or our own code, or V8/node itself. */
export function categoryOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'native';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) {
    if (pkg === 'graphql') return 'graphql-js';
    if (pkg.startsWith('@mikro-orm/')) return 'MikroORM';
    if (pkg === 'type-graphql') return 'type-graphql';
    if (pkg.startsWith('@apollo/')) return 'Apollo Server';
    return pkg;
  }
  if (url.startsWith('node:')) return 'node internals';
  if (/\/dist\/(src|resolvers|schema)\//.test(url)) return 'gateway code';
  return 'other';
}

/** Sums self time per function and per category over the samples of one profile. */
export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const categories = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; category: string; us: number }>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const category = categoryOf(url, functionName);
    if (category === 'idle') continue;
    total += us;
    categories.set(category, (categories.get(category) ?? 0) + us);
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, category, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => Math.round((1000 * us) / total) / 10;
  return {
    totalMs: ms(total),
    categories: [...categories].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: ms(us), share: share(us) })),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, category: f.category, ms: ms(f.us), share: share(f.us) })),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const lines = [`busy CPU: ${summary.totalMs} ms (idle excluded)`, '', 'self time by category:'];
  const shown = summary.categories.filter((c) => c.share >= 0.1);
  for (const c of shown) lines.push(`  ${c.share.toFixed(1).padStart(5)}%  ${String(c.ms).padStart(8)} ms  ${c.name}`);
  const rest = summary.categories.slice(shown.length);
  if (rest.length) lines.push(`  ${rest.length} more under 0.1 % each (${Math.round(rest.reduce((n, c) => n + c.ms, 0))} ms in all)`);
  lines.push('', 'top functions by self time:');
  for (const f of summary.functions) lines.push(`  ${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(8)} ms  ${f.name}  [${f.category}] ${f.where}`);
  return lines.join('\n');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}
