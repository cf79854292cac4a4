import { describe, it, expect, afterEach } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { isLoopbackHost } from '../src/http/loopback.js';

// The development landing page (Apollo Sandbox) may carry a key in its page; it must do so only
// when the server listens on a loopback address, where nobody else can load the page.
const SECRET = 'igk_000000000000000000000000_sandbox-secret-not-a-real-key';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function landingPage(host: string): Promise<string> {
  const config = { ...loadConfig({ NODE_ENV: 'development' }), host, databaseUrl: ':memory:', database: 'sqlite' as const, seedDemoData: false };
  app = await createApp(config, { port: 0, log: silentLogger, prepare: async () => ({ sandboxHeaders: { Authorization: `Bearer ${SECRET}` } }) });
  const port = new URL(app.url).port;
  // Whatever address it listens on, the page is fetched over loopback.
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  return response.text();
}

describe('the development landing page', () => {
  it('embeds the key on a loopback address', async () => {
    const page = await landingPage('127.0.0.1');
    expect(page).toContain('sandbox-secret-not-a-real-key');
  });

  it('never embeds it when listening on every interface (0.0.0.0)', async () => {
    const page = await landingPage('0.0.0.0');
    expect(page).toMatch(/sandbox|Apollo/i);
    expect(page).not.toContain('sandbox-secret-not-a-real-key');
  });

  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.test', '128.0.0.1', '::ffff:10.0.0.1', '']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
