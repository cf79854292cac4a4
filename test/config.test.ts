import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import fc from 'fast-check';
import { ConfigError, loadConfig, variables } from '../src/config.js';

/** The one line loadConfig refuses `env` with (it must refuse). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env, { interactive: false });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('configuration: each variable typed, a bad value refused with one line naming it', () => {
  it('NODE_ENV is development, production or test, nothing else', () => {
    expect(refusal({ NODE_ENV: 'prod' })).toBe('NODE_ENV must be one of development, production, test, got "prod"');
    expect(refusal({ NODE_ENV: 'Production' })).toBe('NODE_ENV must be one of development, production, test, got "Production"');
    for (const mode of ['development', 'production', 'test'] as const) expect(loadConfig({ NODE_ENV: mode }).env).toBe(mode);
  });

  it('without NODE_ENV: development when started from a terminal, production otherwise', () => {
    expect(loadConfig({}, { interactive: true }).env).toBe('development');
    expect(loadConfig({}, { interactive: false }).env).toBe('production');
  });

  it('MAX_UPLOAD_BYTES is a whole number of bytes: "5MB" is refused, never NaN (which switched the limit off)', () => {
    expect(refusal({ MAX_UPLOAD_BYTES: '5MB' })).toBe('MAX_UPLOAD_BYTES must be a whole number of bytes from 1 to 1073741824 (no unit), got "5MB"');
    for (const bad of ['0', '-1', '1.5', '5e6', 'Infinity', '2147483648']) expect(refusal({ MAX_UPLOAD_BYTES: bad })).toMatch(/^MAX_UPLOAD_BYTES must be /);
    expect(loadConfig({ MAX_UPLOAD_BYTES: '6000000' }).maxUploadBytes).toBe(6_000_000);
    expect(loadConfig({}).maxUploadBytes).toBe(5 * 1024 * 1024);
  });

  it('DATABASE_URL is a postgres:// URL or unset; anything else is refused (no silent SQLite), its password masked', () => {
    expect(refusal({ DATABASE_URL: 'mysql://app:s3cret@db.internal/identity' })).toBe(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (unset for SQLite), got "mysql://app:***@db.internal/identity"',
    );
    expect(refusal({ DATABASE_URL: 'postgress://postgres@127.0.0.1:5432/test' })).toMatch(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(refusal({ DATABASE_URL: 'identity.sqlite' })).toMatch(/^DATABASE_URL must be /);
    for (const url of ['postgres://postgres@127.0.0.1:5432/test', 'postgresql://u:p@db:5432/x']) {
      expect(loadConfig({ DATABASE_URL: url })).toMatchObject({ database: 'postgresql', databaseUrl: url });
    }
    expect(loadConfig({ DATABASE_URL: '', SQLITE_PATH: '/tmp/x.sqlite' })).toMatchObject({ database: 'sqlite', databaseUrl: '/tmp/x.sqlite' });
  });

  it('SEED_DEMO_DATA and SQL_PLANNER are booleans: "no" means no, an unknown word is refused', () => {
    for (const no of ['false', 'no', 'NO', '0', 'off']) expect(loadConfig({ SEED_DEMO_DATA: no }).seedDemoData).toBe(false);
    for (const yes of ['true', 'yes', '1', 'on']) expect(loadConfig({ SEED_DEMO_DATA: yes }).seedDemoData).toBe(true);
    expect(loadConfig({}).seedDemoData).toBe(true);
    expect(refusal({ SEED_DEMO_DATA: 'nope' })).toBe('SEED_DEMO_DATA must be true or false (also 1/0, yes/no, on/off), got "nope"');
    expect(refusal({ SQL_PLANNER: 'disabled-ish' })).toMatch(/^SQL_PLANNER must be true or false/);
    expect(loadConfig({ SQL_PLANNER: 'false' }).sqlPlanner).toBe(false);
  });

  it('PORT, HOST, PUBLIC_URL and CORS_ORIGINS', () => {
    expect(refusal({ PORT: '70000' })).toBe('PORT must be a port number from 0 to 65535 (0: any free port), got "70000"');
    expect(refusal({ PORT: '4000abc' })).toMatch(/^PORT must be /);
    expect(refusal({ HOST: 'local host' })).toBe('HOST must be a host name or IP address to listen on, got "local host"');
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0' })).toMatchObject({ port: 8080, host: '0.0.0.0' });
    expect(refusal({ PUBLIC_URL: 'gateway.example.com' })).toBe('PUBLIC_URL must be an http:// or https:// URL, got "gateway.example.com"');
    expect(loadConfig({ CORS_ORIGINS: ' https://app.example.com , http://127.0.0.1:5173' }).corsOrigins).toEqual(['https://app.example.com', 'http://127.0.0.1:5173']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    for (const bad of [
      '*',
      'https://app.example.com/',
      'https://app.example.com/path',
      'app.example.com',
      'ftp://files.example.com',
      'https://a.example.com,,https://b.example.com',
    ]) {
      expect(refusal({ CORS_ORIGINS: bad })).toBe(
        `CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com (scheme://host[:port], no path), got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('several bad variables are named on one line; blank means the default', () => {
    expect(refusal({ NODE_ENV: 'prod', PORT: 'x' })).toBe(
      'NODE_ENV must be one of development, production, test, got "prod"; PORT must be a port number from 0 to 65535 (0: any free port), got "x"',
    );
    expect(loadConfig({ PORT: '', MAX_QUERY_DEPTH: '  ' })).toMatchObject({ port: 4000, queryLimits: { depth: 20 } });
  });

  it('property: a numeric variable takes exactly the whole numbers of its range and refuses everything else with its own line', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('PORT', 'MAX_UPLOAD_BYTES', 'MAX_QUERY_COST', 'MAX_QUERY_TOKENS'),
        fc.oneof(fc.string(), fc.nat().map(String), fc.integer().map(String), fc.double().map(String), fc.stringMatching(/^[0-9]{1,25}$/)),
        (name, raw) => {
          const range = { PORT: [0, 65535], MAX_UPLOAD_BYTES: [1, 1024 ** 3] }[name as string] ?? [1, Number.MAX_SAFE_INTEGER];
          const trimmed = raw.trim();
          const valid = trimmed === '' || (/^[0-9]+$/.test(trimmed) && Number(trimmed) >= range[0] && Number(trimmed) <= range[1]);
          let message: string | undefined;
          try {
            loadConfig({ [name]: raw });
          } catch (error) {
            message = (error as Error).message;
          }
          if (valid) return message === undefined;
          return new RegExp(`^${name} must be [^\\n]+$`).test(message ?? '');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a refused DATABASE_URL never shows its password', () => {
    fc.assert(
      fc.property(fc.constantFrom('mysql', 'postgress', 'sqlite', 'redis'), fc.stringMatching(/^[A-Za-z0-9!$%^&*()_+=-]{6,20}$/), (scheme, password) => {
        const message = refusal({ DATABASE_URL: `${scheme}://user:${password}@db.example.com:5432/x` });
        return message.startsWith('DATABASE_URL must be ') && !message.includes(password);
      }),
    );
  });

  it('the README configuration table lists every variable, and only those', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 5));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(variables).sort());
  });
});
