import { defineConfig } from 'vitest/config';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default defineConfig({
  // Vite 8 transforms TypeScript with Oxc; legacy decorators with emitted metadata are what
  // type-graphql and MikroORM read (the same output tsc gives for the build).
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  resolve: {
    // One copy of graphql for type-graphql, Apollo, graphql-jit and the tests (the CommonJS entry).
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ is built once for the tests that start the real entry points.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test' },
  },
});
