import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';

describe('shutdown', () => {
  it('leaves SIGINT and SIGTERM to main.ts: Apollo installs no handlers of its own, even in production', async () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    // Apollo decides from NODE_ENV whether to take the signals; the suite runs with "test".
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const app = await createApp(
        { ...loadConfig({ NODE_ENV: 'production', SECRETS_KEY: randomBytes(32).toString('base64') }), databaseUrl: ':memory:', seedDemoData: false },
        { port: 0, log: silentLogger },
      );
      expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
      await app.stop();
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});
