import fs from 'node:fs';
import path from 'node:path';
import { gatewaySchema, schemaText } from '../schema.js';
import { readCommandLine } from './command-line.js';

const usage = `usage: npm run schema [-- --help]

Writes schema/schema.graphql from the code (a test fails when the committed file drifts).`;

readCommandLine(usage, {});
const file = path.resolve('schema', 'schema.graphql');
fs.writeFileSync(file, schemaText(await gatewaySchema()));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
