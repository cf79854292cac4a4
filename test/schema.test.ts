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

describe('migrations', () => {
  it('the committed migrations build exactly the schema the entities describe (run `npm run migration:create` after changing an entity)', async () => {
    const { startTestApp } = await import('./harness.js');
    const app = await startTestApp();
    try {
      const migrator = app.orm.getMigrator();
      expect(await migrator.getPendingMigrations()).toEqual([]);
      expect(await migrator.checkMigrationNeeded()).toBe(false);
    } finally {
      await app.stop();
    }
  });
});
