// The client address a request is counted under (failed credential attempts): the TCP peer, or, when that peer is
// one of our own proxies (config `trustedProxies`), the right-most `X-Forwarded-For` hop that is not one of them.
// Hops left of that one are whatever the client sent and are never believed. IPv6 clients are keyed on their /64,
// which is what one host or household gets: counting each of its 2^64 addresses apart would count nothing.
// docs/operations.md#proxies
import type { Context } from 'hono';
import { BlockList, isIP } from 'node:net';

/** An address (`203.0.113.7`, `2001:db8::1`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`); null when it is neither. */
export function parseCidr(s: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = s.trim().split('/');
  if (extra !== undefined) return null;
  const v = isIP(address);
  if (v === 0) return null;
  const max = v === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** `::ffff:10.0.0.1` (how Node reports IPv4 peers on a dual-stack socket) is `10.0.0.1`. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1]! : address;
}

/** The eight 16-bit groups of an IPv6 address (already checked by `isIP`). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!; // a zone id is not part of the address
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The key an address is counted under: an IPv4 address as it is, an IPv6 address as its /64 (`2001:db8:0:1::/64`). */
export function addressKey(address: string): string {
  const a = unmapped(address.trim());
  const v = isIP(a.split('%')[0]!);
  if (v === 4) return a;
  if (v !== 6) return a;
  return `${ipv6Groups(a).slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

export type ClientAddress = (c: Context) => string;

/** The TCP peer of the request; `unknown` outside a Node server (tests calling `app.request`). */
export function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Builds the function that names a request's client, already keyed (see `addressKey`).
 * @param trustedProxies CIDR blocks (or single addresses) of the proxies in front of the BFF; empty: no header is trusted
 */
export function createClientAddress(trustedProxies: readonly string[], peer: ClientAddress = peerAddress): ClientAddress {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`not an address or CIDR block: ${entry}`);
    trusted.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  const isTrusted = (address: string) => {
    const a = unmapped(address);
    const v = isIP(a);
    return v !== 0 && trusted.check(a, v === 4 ? 'ipv4' : 'ipv6');
  };
  return function clientAddress(c) {
    const from = peer(c);
    if (trustedProxies.length === 0 || !isTrusted(from)) return addressKey(from);
    // Every X-Forwarded-For header in order, joined, as one list: each proxy appends the address it was reached from.
    const hops = c.req.raw.headers.get('x-forwarded-for')?.split(',').map((h) => h.trim()).filter(Boolean) ?? [];
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      // A hop our proxy did not write as an address (or wrote with a port) is still the client it saw: keyed as is.
      if (!isTrusted(hop)) return addressKey(hop);
    }
    // Every hop is one of ours (or there are none): the request began inside, at the left-most one we know.
    return addressKey(hops[0] ?? from);
  };
}
