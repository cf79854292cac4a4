import type http from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * Which peers may say who the client is (TRUST_PROXY): none (the TCP peer is the client), a
 * number of proxy hops in front of the gateway, or the proxies' addresses and CIDR ranges.
 */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

/**
 * The address of the client a request comes from, as the per-address limits count it. Only when
 * the TCP peer is a trusted proxy is `X-Forwarded-For` read, from the right: each address a
 * trusted proxy added is skipped, and the first one that is not trusted is the client (proxy-addr,
 * as Express reads it). From any other peer the header is ignored, so a client cannot choose the
 * address it is counted under.
 */
export function clientAddressOf(trust: TrustProxy): (req: http.IncomingMessage) => string {
  if (trust === false) return (req) => req.socket.remoteAddress ?? 'unknown';
  const trusted = 'hops' in trust ? (_address: string, hop: number) => hop < trust.hops : proxyAddr.compile(trust.addresses);
  return (req) => (req.socket.remoteAddress ? proxyAddr(req, trusted) : 'unknown');
}

/** Whether `list` is a usable list of proxy addresses (IPs, CIDRs, or loopback, linklocal, uniquelocal). */
export function validProxyAddresses(list: string[]): boolean {
  if (list.length === 0) return false;
  try {
    proxyAddr.compile(list);
    return true;
  } catch {
    return false;
  }
}
