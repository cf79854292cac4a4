import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import { gatewaySchema, schemaText } from '../src/schema.js';

describe('schema/schema.graphql', () => {
  it('is exactly what the code generates (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(schemaText(await gatewaySchema())).toBe(committed);
  });

  it('documents fields in the seed’s words', async () => {
    const schema = await gatewaySchema();
    const query = schema.getQueryType()!.getFields();
    expect(query.searchCatalog.description).toMatch(/display name of the item which contains the search keyword/);
    expect(query.roles.args.find((a) => a.name === 'first')!.description).toMatch(/pagesize/);
  });
});
