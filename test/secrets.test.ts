import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEVELOPMENT_SECRETS_KEY, SecretBox, SecretError, isSealed, keyId } from '../src/common/secrets.js';
import { assertSecretsUsable, ConfigError, loadConfig } from '../src/config.js';

const A = randomBytes(32);
const B = randomBytes(32);

describe('SecretBox (AES-256-GCM, key id in the sealed value)', () => {
  const box = new SecretBox({ current: A, previous: [] });

  it('opens what it sealed, for any text and context; the sealed value shows neither', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), fc.string({ maxLength: 60 }), (plain, context) => {
        const sealed = box.seal(plain, context);
        expect(isSealed(sealed)).toBe(true);
        expect(sealed.startsWith(`igs1.${keyId(A)}.`)).toBe(true);
        expect(box.open(sealed, context)).toBe(plain);
        if (plain.length >= 12) expect(sealed).not.toContain(plain);
      }),
    );
  });

  it('a fresh nonce each time: the same token sealed twice gives two different values', () => {
    expect(box.seal('same-token', 'ctx')).not.toBe(box.seal('same-token', 'ctx'));
  });

  it('any changed bit of nonce, ciphertext or tag, or another context, does not open', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.integer({ min: 2, max: 4 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (plain, part, at, bit) => {
        const parts = box.seal(plain, 'row:1').split('.');
        const bytes = Buffer.from(parts[part], 'base64url');
        fc.pre(bytes.length > 0);
        bytes[at % bytes.length] ^= 1 << bit;
        parts[part] = bytes.toString('base64url');
        expect(() => box.open(parts.join('.'), 'row:1')).toThrow(SecretError);
      }),
    );
    expect(() => box.open(box.seal('t0ken', 'row:1'), 'row:2')).toThrow(/altered or belongs to another row/);
  });

  it('rotation: a value sealed with a previous key opens, and needs resealing; an unknown key is named, not guessed', () => {
    const old = box.seal('rotating-token', 'row:9');
    const rotated = new SecretBox({ current: B, previous: [A] });
    expect(rotated.open(old, 'row:9')).toBe('rotating-token');
    expect(rotated.needsReseal(old)).toBe(true);
    const resealed = rotated.seal('rotating-token', 'row:9');
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(() => box.open(resealed, 'row:9')).toThrow(new RegExp(`sealed with key ${keyId(B)}, which this gateway does not hold`));
    expect(box.needsReseal('a-plain-token')).toBe(true);
    expect(() => box.open('a-plain-token', 'row:9')).toThrow(/not sealed/);
  });
});

describe('SECRETS_KEY in the configuration', () => {
  it('production refuses to start without a key, or with the public development key', () => {
    // The configuration loads (commands that touch no secret run without a key); a server refuses it.
    expect(() => assertSecretsUsable(loadConfig({ NODE_ENV: 'production' }))).toThrow(ConfigError);
    expect(() => assertSecretsUsable(loadConfig({ NODE_ENV: 'production' }))).toThrow(
      'SECRETS_KEY is required in production: it encrypts connector tokens at rest (generate one with: openssl rand -base64 32)',
    );
    expect(() => assertSecretsUsable(loadConfig({ NODE_ENV: 'production', SECRETS_KEY: DEVELOPMENT_SECRETS_KEY.toString('base64') }))).toThrow(/public development key/);
    expect(() => assertSecretsUsable(loadConfig({ NODE_ENV: 'production', SECRETS_KEY: A.toString('base64') }))).not.toThrow();
  });

  it('takes 32 bytes in base64 or hex, and previous keys separated by commas; anything else names the variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SECRETS_KEY: A.toString('base64'),
      SECRETS_KEYS_PREVIOUS: ` ${B.toString('hex')} , ${DEVELOPMENT_SECRETS_KEY.toString('base64url')}`,
    });
    expect(config.secrets.current.equals(A)).toBe(true);
    expect(config.secrets.previous.map((k) => k.toString('hex'))).toEqual([B.toString('hex'), DEVELOPMENT_SECRETS_KEY.toString('hex')]);
    expect(() => loadConfig({ SECRETS_KEY: 'too-short' })).toThrow(/^SECRETS_KEY must be a 32-byte key in base64 or hex/);
    expect(() => loadConfig({ SECRETS_KEY: randomBytes(16).toString('base64') })).toThrow(/^SECRETS_KEY must be/);
    expect(() => loadConfig({ SECRETS_KEYS_PREVIOUS: 'nope' })).toThrow(/^SECRETS_KEYS_PREVIOUS must be/);
  });

  it('development and tests fall back to the development key', () => {
    expect(loadConfig({}, { interactive: true }).secrets.current.equals(DEVELOPMENT_SECRETS_KEY)).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).secrets.current.equals(DEVELOPMENT_SECRETS_KEY)).toBe(true);
  });
});
