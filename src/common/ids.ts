import { badInput } from '../errors.js';
import { randomBytes } from 'node:crypto';

/**
 * 24-hex ids in the shape the seed documents use (MongoDB ObjectId: 4 bytes of seconds,
 * 5 random bytes, a 3-byte counter), so new objects look like the documented ones and ids
 * stay unique across every table, which `node(id)` relies on.
 */
const processRandom = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export function newId(now = Date.now()): string {
  counter = (counter + 1) & 0xffffff;
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return seconds + processRandom + counter.toString(16).padStart(6, '0');
}

export const ID_PATTERN = /^[0-9a-f]{24}$/;
export const isId = (value: string) => ID_PATTERN.test(value);

/** A deterministic id stream for generated data sets: same seed, same ids. */
export function idSequence(prefix: string, seed: number): () => string {
  let n = 0;
  const head = (prefix + (seed >>> 0).toString(16).padStart(8, '0')).slice(0, 12);
  return () => head + (n++).toString(16).padStart(24 - head.length, '0');
}

/** An RFC 4122 uuid in its canonical text form (any version), as the vendor documents use. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID_PATTERN.test(value);

/**
 * Throws BAD_USER_INPUT naming `field` unless `value` is one of this product's 24-hex ids, so
 * an id pasted from a vendor's uuid-based API gets a clear answer instead of a plain "not found".
 */
export function requireId(value: string, field: string): string {
  if (!isId(value)) throw badInput(field, `${field} must be an id of this product (24 hex characters), got ${JSON.stringify(value)}`);
  return value;
}
