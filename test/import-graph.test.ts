import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The application's import graph must have no cycle (STYLE.md, habit 12). TypeScript 7 has no
// JavaScript API, so the statements are read with regular expressions: the project writes
// imports one way (ES modules, relative specifiers ending in `.js`), and every relative
// specifier found must resolve to a file, so a statement the patterns misread fails loudly
// instead of hiding an edge. `import type` and `export … from` count like any import: a
// type-only circle still ties the files together for a reader.
//
// Entity files get no exception: MikroORM relations are declared on the owning side only
// (`@ManyToOne(() => User)`; no inverse collections), so entities import each other one way.
// Should a relation ever need both sides, name the other entity by string (`'User'`) rather
// than allow a circle.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The application's code: the checked files are those of src/ and resolvers/, and schema/ is
 *  scanned too because both import it (a circle through it would still be a circle). */
const folders = ['src', 'schema', 'resolvers'];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Removes comments (keeping strings and line structure) so a commented-out import is no edge. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => (m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m));
}

const patterns = [
  // import x from '…'; import { a, type B } from '…'; import type { C } from '…'; import * as n from '…'
  // export { a } from '…'; export type { B } from '…'; export * from '…'; export * as n from '…'
  /^[ \t]*(?:import|export)\s+(?:type\s+)?[\w$\s{},*]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  // import './side-effect.js'
  /^[ \t]*import\s*['"]([^'"]+)['"]/gm,
  // import('…') as an expression or in a type position: import('./x.js').X
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function specifiers(source: string): string[] {
  const code = stripComments(source);
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]));
}

function resolve(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

/** Tarjan's algorithm: the strongly connected components of the graph. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

/** The components that contain a cycle: more than one file, or a file importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  return stronglyConnected(graph).filter((c) => c.length > 1 || (graph.get(c[0]) ?? []).includes(c[0]));
}

/** One shortest circle through the component's first file, to show in the failure message. */
function circleIn(graph: Map<string, string[]>, component: string[]): string[] {
  const inside = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const circle = [start];
        for (let u = v; u !== start; u = previous.get(u)!) circle.splice(1, 0, u);
        return [...circle, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

function importGraph(): { graph: Map<string, string[]>; unresolved: string[] } {
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  const name = (file: string) => path.relative(root, file).split(path.sep).join('/');
  for (const file of folders.flatMap((f) => tsFiles(path.join(root, f)))) {
    const targets = new Set<string>();
    for (const specifier of specifiers(fs.readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue; // packages and node: builtins
      const target = resolve(file, specifier);
      if (target) targets.add(name(target));
      else unresolved.push(`${name(file)} → ${specifier}`);
    }
    graph.set(name(file), [...targets].sort());
  }
  return { graph, unresolved };
}

describe('the import graph', () => {
  it('reads every kind of import statement', () => {
    const source = [
      "import 'reflect-metadata';",
      "import fs from 'node:fs';",
      "import { a, type B } from './a.js';",
      "import type { C } from './c.js';",
      'import {',
      '  d,',
      '  e as f,',
      "} from '../d.js';",
      "import * as g from './g.js';",
      "export { h } from './h.js';",
      "export type { I } from './i.js';",
      "export * from './j.js';",
      "export * as k from './k.js';",
      "type L = import('./l.js').L;",
      "// import { m } from './m.js';",
      "/* import { n } from './n.js'; */",
      'const text = \'import { o } from "./o.js"\';',
      'function p() { return Array.from([1]); }',
    ].join('\n');
    expect(specifiers(source)).toEqual(['node:fs', './a.js', './c.js', '../d.js', './g.js', './h.js', './i.js', './j.js', './k.js', 'reflect-metadata', './l.js']);
  });

  it('finds a cycle, also one made of type-only imports', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', ['e']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(circleIn(graph, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'a']);
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no import cycle in src/ and resolvers/ (habit 12: services do not import the context)', () => {
    const { graph, unresolved } = importGraph();
    expect(unresolved, 'relative imports that resolve to no file').toEqual([]);
    expect(graph.size).toBeGreaterThan(50);
    const found = cycles(graph).map((c) => `${c.length} files (${c.join(', ')}), e.g. ${circleIn(graph, c).join(' → ')}`);
    expect(found, `import cycles:\n${found.join('\n')}`).toEqual([]);
  });
});
