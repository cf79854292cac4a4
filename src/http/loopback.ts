import { isIP } from 'node:net';

/**
 * Whether a listening address is reachable from this machine only: `localhost`, 127.0.0.0/8,
 * ::1 (or ::ffff:127.x). The development landing page embeds a key only on such an address;
 * `0.0.0.0`, `::` and every other address may be reached from elsewhere.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || /^(0:){7}1$/.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}
