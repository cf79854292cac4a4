import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { entities } from '../src/db/entities.js';

const RESOLVERS = fileURLToPath(new URL('../resolvers', import.meta.url));
const ENTITY_NAMES = new Set(entities.map((entity) => entity.name));

/**
 * The `@Root()` parameters of a source file whose type names an entity class other than through
 * `Row<…>`. type-graphql reads a root parameter's type from the emitted decorator metadata and,
 * when it is a class, copies every root that is not an instance of it into `new Entity()`: read
 * models from the loaders would each be copied (and pick up the entity's defaults). `Row<Entity>`
 * is a mapped type, so the metadata is `Object` and the root is passed as it is.
 */
function entityRoots(source: string, entityNames: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/@Root\(\s*\)\s*(\w+)\s*:\s*([^,)=]+)/g)) {
    const [, name, type] = match;
    const outsideRow = type.replace(/\bRow<[^>]*>/g, '');
    const entity = outsideRow.match(/\b[A-Z]\w*\b/g)?.find((word) => entityNames.has(word));
    if (entity) found.push(`${name}: ${type.trim()}`);
  }
  return found;
}

describe('conventions', () => {
  it('the check itself: a bare entity root is found, a Row<…> root and a GraphQL-only type are not', () => {
    const names = new Set(['User', 'Role']);
    expect(entityRoots('manager(@Root() user: User, @Ctx() ctx: Context) {', names)).toEqual(['user: User']);
    expect(entityRoots('owner(\n    @Root() role: Role | null,\n    @Ctx() ctx: Context,\n  ) {', names)).toEqual(['role: Role | null']);
    expect(entityRoots('manager(@Root() user: Row<User>, @Ctx() ctx: Context) {', names)).toEqual([]);
    expect(entityRoots('name(@Root() ref: OwnerReference) {', names)).toEqual([]);
  });

  it('resolver roots are read models: every @Root() of an entity type is Row<Entity>', () => {
    const files = readdirSync(RESOLVERS, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    let roots = 0;
    for (const file of files) {
      const source = readFileSync(path.join(RESOLVERS, file), 'utf8');
      roots += source.match(/@Root\(\s*\)/g)?.length ?? 0;
      for (const root of entityRoots(source, ENTITY_NAMES)) offenders.push(`resolvers/${file}: @Root() ${root}`);
    }
    expect(roots).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });
});
