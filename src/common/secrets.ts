import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets the gateway must send elsewhere (connector tokens) are stored sealed: AES-256-GCM
 * with a key from the environment (SECRETS_KEY), a fresh 96-bit nonce per value, and the
 * owning row as additional authenticated data, so a sealed value copied to another row or
 * column does not open. A sealed value names the key that sealed it, so several keys can be
 * configured at once during a rotation (README: Secrets at rest).
 *
 *   igs1.<key id>.<nonce>.<ciphertext>.<tag>     (base64url parts; key id: 8 hex characters)
 */

const VERSION = 'igs1';
const SEALED = /^igs1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/**
 * The development key: used only when SECRETS_KEY is unset outside production (development and
 * tests). It is public, written here and in the README; production refuses to start without a
 * key of its own.
 */
export const DEVELOPMENT_SECRETS_KEY = createHash('sha256').update('identity-graph development secrets key (public, never for production)').digest();

/** The keys this process holds: the current one seals, every one opens. */
export interface SecretKeys {
  current: Buffer;
  previous: Buffer[];
}

/** A key's id: the first 4 bytes of a hash of it, so ids need no configuration of their own. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('identity-graph secrets key id\0').update(key).digest('hex').slice(0, 8);
}

/** Whether a stored value is in the sealed format (anything else is a plain value from before). */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

/** Why a sealed value could not be opened; the message never contains the value. */
export class SecretError extends Error {
  constructor(
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keys: SecretKeys) {
    for (const key of [keys.current, ...keys.previous]) {
      if (key.length !== 32) throw new Error('A secrets key is 32 bytes');
      if (!this.keys.has(keyId(key))) this.keys.set(keyId(key), key);
    }
    this.currentKeyId = keyId(keys.current);
  }

  /** Seals `plain` with the current key, bound to `context` (e.g. `target_system.connector_token:<id>`). */
  seal(plain: string, context: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKeyId, nonce.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Opens a value sealed for `context` with any configured key; throws SecretError otherwise. */
  open(sealed: string, context: string): string {
    const m = SEALED.exec(sealed);
    if (!m) throw new SecretError('The stored secret is not sealed (run `npm run secrets -- reseal`)');
    const [, id, nonce, ciphertext, tag] = m;
    const key = this.keys.get(id);
    if (!key) throw new SecretError(`The stored secret was sealed with key ${id}, which this gateway does not hold (SECRETS_KEY, SECRETS_KEYS_PREVIOUS)`, id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError(`The stored secret does not open with key ${id}: it was altered or belongs to another row`, id);
    }
  }

  /** Whether a stored value should be sealed again: plain, or sealed with a key other than the current one. */
  needsReseal(stored: string): boolean {
    const m = SEALED.exec(stored);
    return !m || m[1] !== this.currentKeyId;
  }
}

const boxes = new WeakMap<SecretKeys, SecretBox>();

/** The box of a configuration's keys (built once per configuration). */
export function secretBox(keys: SecretKeys): SecretBox {
  let box = boxes.get(keys);
  if (!box) boxes.set(keys, (box = new SecretBox(keys)));
  return box;
}
