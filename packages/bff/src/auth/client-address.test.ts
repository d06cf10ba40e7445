// The address a request is counted under: the TCP peer, or the right-most untrusted X-Forwarded-For hop when the peer
// is a trusted proxy; IPv6 keyed on its /64.
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { addressKey, createClientAddress, parseCidr } from './client-address.js';

/** A request context as the address function reads it: the TCP peer and the X-Forwarded-For header(s). */
function request(peer: string, ...xff: string[]): Context {
  const headers = new Headers();
  for (const h of xff) headers.append('x-forwarded-for', h);
  return { env: { incoming: { socket: { remoteAddress: peer } } }, req: { raw: new Request('http://bff.test/v1/orders', { headers }) } } as unknown as Context;
}

describe('client address', () => {
  const behindProxies = createClientAddress(['10.0.0.0/8', 'fd00::/8', '192.0.2.1']);

  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const none = createClientAddress([]);
    expect(none(request('10.1.2.3', '203.0.113.9'))).toBe('10.1.2.3');
    expect(none(request('::ffff:10.1.2.3', '203.0.113.9'))).toBe('10.1.2.3');
  });

  it('is the TCP peer when the peer is not a trusted proxy: a client cannot name itself someone else', () => {
    expect(behindProxies(request('198.51.100.20', '203.0.113.9'))).toBe('198.51.100.20');
  });

  it('is the right-most hop that is not a trusted proxy; hops left of it (the client wrote them) are ignored', () => {
    expect(behindProxies(request('10.0.0.5', '203.0.113.9'))).toBe('203.0.113.9');
    // A client sends its own X-Forwarded-For; the proxy appends the address it saw.
    expect(behindProxies(request('10.0.0.5', '1.1.1.1, 8.8.8.8, 203.0.113.9'))).toBe('203.0.113.9');
    expect(behindProxies(request('10.0.0.5', `${Math.random()}, 203.0.113.9`))).toBe('203.0.113.9');
    // Two of our proxies in a row (192.0.2.1 then 10.0.0.5): the one before them is the client.
    expect(behindProxies(request('10.0.0.5', '1.1.1.1, 203.0.113.9, 192.0.2.1'))).toBe('203.0.113.9');
    // Several header lines count as one list, in order.
    expect(behindProxies(request('10.0.0.5', '1.1.1.1', '203.0.113.9'))).toBe('203.0.113.9');
    // IPv4 peers on a dual-stack socket.
    expect(behindProxies(request('::ffff:10.0.0.5', '203.0.113.9'))).toBe('203.0.113.9');
    expect(behindProxies(request('fd00::1', '2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2::/64');
  });

  it('falls back to the left-most hop when every hop is a trusted proxy, and to the peer without a header', () => {
    expect(behindProxies(request('10.0.0.5', '10.9.9.9, 192.0.2.1'))).toBe('10.9.9.9');
    expect(behindProxies(request('10.0.0.5'))).toBe('10.0.0.5');
  });

  it('keys IPv6 on its /64 and IPv4 on the address', () => {
    expect(addressKey('2001:db8:aaaa:bbbb:1:2:3:4')).toBe('2001:db8:aaaa:bbbb::/64');
    expect(addressKey('2001:db8:aaaa:bbbb::ffff')).toBe(addressKey('2001:db8:aaaa:bbbb:9:9:9:9'));
    expect(addressKey('2001:db8:aaaa:bbbc::1')).not.toBe(addressKey('2001:db8:aaaa:bbbb::1'));
    expect(addressKey('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('64:ff9b::192.0.2.7')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('198.51.100.4')).toBe('198.51.100.4');
  });

  it('reads addresses and CIDR blocks, and refuses anything else', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('192.0.2.1')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'proxy', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/x']) expect(parseCidr(bad)).toBeNull();
    expect(() => createClientAddress(['nginx'])).toThrow(/nginx/);
  });
});
