import fs from 'node:fs';
import path from 'node:path';
import { gatewaySchema } from '../schema.js';
import { buildSubgraphs } from '../federation/subgraphs.js';
import { composeSupergraph, identityServices } from '../federation/supergraph.js';
import { readCommandLine } from './command-line.js';

const usage = `usage: npm run supergraph [-- --help]

Writes each domain's subgraph SDL to schema/subgraphs/<domain>.graphql and composes them with
@apollo/composition into schema/supergraph.graphql (a test fails when the committed files drift).`;

readCommandLine(usage, {});
const subgraphs = buildSubgraphs(await gatewaySchema());
const written: string[] = [];
const dir = path.resolve('schema', 'subgraphs');
fs.mkdirSync(dir, { recursive: true });
for (const subgraph of subgraphs) {
  const file = path.join(dir, `${subgraph.name}.graphql`);
  fs.writeFileSync(file, subgraph.sdl);
  written.push(file);
}
let supergraph;
try {
  supergraph = composeSupergraph(identityServices(subgraphs));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const file = path.resolve('schema', 'supergraph.graphql');
fs.writeFileSync(file, supergraph.sdl.endsWith('\n') ? supergraph.sdl : `${supergraph.sdl}\n`);
written.push(file);
for (const f of written) process.stdout.write(`wrote ${path.relative(process.cwd(), f)}\n`);
process.stdout.write('composed with 0 errors\n');
