// The client address behind trusted proxies (trackMiddleware's `trustProxy`), without
// a framework: the X-Forwarded-For walk, the ranges a list accepts, and the option's
// checks. The same cases over real HTTP on every framework are in
// test/middleware/trust-proxy.test.ts.
import type { IncomingHttpHeaders } from 'node:http';
import { OptionsError } from '../../src';
import { clientIp } from '../../src/request/ip';
import { clientIpReader, trustProxyOption, type TrustProxy } from '../../src/request/trust-proxy';

const xff = (value: string): IncomingHttpHeaders => ({ 'x-forwarded-for': value });

/** The address `trustProxy` finds for these headers and this peer. */
function ipFor(trustProxy: TrustProxy | undefined, headers: IncomingHttpHeaders, peer: string | undefined, frameworkIp?: unknown): string {
  return clientIpReader(trustProxy)(headers, peer, frameworkIp);
}

/** Every header the Open edX mode reads, each naming a public address a client could write. */
const EVERY_HEADER: IncomingHttpHeaders = {
  'x-forwarded-for': '8.8.8.8',
  'client-ip': '8.8.4.4',
  'x-real-ip': '9.9.9.9',
  'x-forwarded': '1.1.1.1',
  'x-cluster-client-ip': '1.0.0.1',
  'forwarded-for': '4.2.2.2',
  forwarded: '208.67.222.222',
  via: '208.67.220.220',
};

describe('trustProxy left out: Open edX', () => {
  it('is django-ipware\'s reading, the very function', () => {
    expect(clientIpReader(undefined)).toBe(clientIp);
    expect(ipFor(undefined, xff('8.8.8.8, 10.0.0.1'), '127.0.0.1')).toBe('8.8.8.8');
  });
});

describe('trustProxy: false', () => {
  it('is the peer address, whatever any header says', () => {
    expect(ipFor(false, EVERY_HEADER, '127.0.0.1')).toBe('127.0.0.1');
    expect(ipFor(false, EVERY_HEADER, '203.0.113.5')).toBe('203.0.113.5');
  });

  it('unmaps an IPv4-mapped peer and keeps IPv6 peers', () => {
    expect(ipFor(false, {}, '::ffff:127.0.0.3')).toBe('127.0.0.3');
    expect(ipFor(false, {}, '::1')).toBe('::1');
    expect(ipFor(false, {}, '2001:DB8::7')).toBe('2001:db8::7');
  });

  it("gives '' without a valid peer address", () => {
    expect(ipFor(false, EVERY_HEADER, undefined)).toBe('');
    expect(ipFor(false, {}, 'not-an-ip')).toBe('');
  });
});

describe('trustProxy: a number of proxies', () => {
  it('0 is the peer address', () => {
    expect(ipFor(0, xff('8.8.8.8'), '127.0.0.1')).toBe('127.0.0.1');
  });

  it('1 takes the entry the proxy appended, not the one the client wrote', () => {
    expect(ipFor(1, xff('6.6.6.6, 203.0.113.9'), '10.0.0.2')).toBe('203.0.113.9');
  });

  it('2 skips two proxies from the right', () => {
    expect(ipFor(2, xff('6.6.6.6, 203.0.113.9, 10.0.0.5'), '10.0.0.2')).toBe('203.0.113.9');
  });

  it('takes the left-most entry when the chain is shorter than the proxies', () => {
    expect(ipFor(3, xff('203.0.113.9'), '10.0.0.2')).toBe('203.0.113.9');
    expect(ipFor(3, {}, '10.0.0.2')).toBe('10.0.0.2');
  });

  it('ranks nothing: a private client behind the proxy is the client (a public spoof does not outrank it)', () => {
    expect(ipFor(1, xff('8.8.8.8, 192.168.1.20'), '10.0.0.2')).toBe('192.168.1.20');
  });

  it('reads no other header', () => {
    const { 'x-forwarded-for': _xff, ...others } = EVERY_HEADER;
    expect(ipFor(1, others, '10.0.0.2')).toBe('10.0.0.2');
    expect(ipFor(1, { ...others, 'x-forwarded-for': '192.168.1.20' }, '10.0.0.2')).toBe('192.168.1.20');
  });

  it("gives '' when the entry the proxies vouch for is not an address", () => {
    expect(ipFor(1, xff('8.8.8.8, unknown'), '10.0.0.2')).toBe('');
    expect(ipFor(1, xff('8.8.8.8, 1.2.3.4:5678'), '10.0.0.2')).toBe('');
  });

  it('skips empty entries, trims, lowercases and unmaps, and joins repeated headers', () => {
    expect(ipFor(1, xff(' 8.8.8.8 ,, ::FFFF:203.0.113.9 , '), '10.0.0.2')).toBe('203.0.113.9');
    expect(ipFor(1, { 'x-forwarded-for': ['8.8.8.8', '2001:DB8::1'] } as unknown as IncomingHttpHeaders, '10.0.0.2')).toBe('2001:db8::1');
  });
});

describe('trustProxy: trusted addresses and ranges', () => {
  it('is the peer address when the peer is not trusted, whatever X-Forwarded-For says', () => {
    expect(ipFor(['10.0.0.2'], xff('8.8.8.8'), '127.0.0.3')).toBe('127.0.0.3');
  });

  it('walks past every trusted hop to the first untrusted address', () => {
    expect(ipFor(['10.0.0.0/8'], xff('6.6.6.6, 203.0.113.9, 10.1.1.1, 10.2.2.2'), '10.0.0.2')).toBe('203.0.113.9');
  });

  it('stops at an untrusted proxy: an address written before it is not believed', () => {
    expect(ipFor(['10.0.0.2'], xff('6.6.6.6, 172.16.5.5'), '10.0.0.2')).toBe('172.16.5.5');
  });

  it('takes the left-most entry when every hop is trusted', () => {
    expect(ipFor(['10.0.0.0/8'], xff('10.9.9.9, 10.1.1.1'), '10.0.0.2')).toBe('10.9.9.9');
  });

  it.each([
    ['an exact IPv4 address', ['127.0.0.2'], '::ffff:127.0.0.2', true],
    ['another IPv4 address', ['127.0.0.2'], '::ffff:127.0.0.3', false],
    ['an IPv4 range', ['127.0.0.0/30'], '127.0.0.3', true],
    ['outside an IPv4 range', ['127.0.0.0/31'], '127.0.0.3', false],
    ['an IPv4-mapped range', ['::ffff:127.0.0.0/126'], '127.0.0.3', true],
    ['an IPv6 address', ['::1'], '::1', true],
    ['an IPv6 range', ['fd00::/8'], 'fd12:3456::1', true],
    ['outside an IPv6 range', ['fd00::/8'], 'fc00::1', false],
    ['an IPv6 range, upper case', ['FD00::/8'], 'fd00::9', true],
    ['loopback', ['loopback'], '127.8.8.8', true],
    ['loopback (IPv6)', ['loopback'], '::1', true],
    ['linklocal', ['linklocal'], 'fe80::1', true],
    ['uniquelocal', ['uniquelocal'], '172.20.0.3', true],
    ['uniquelocal, not a public address', ['uniquelocal'], '8.8.8.8', false],
  ])('%s: %j, peer %s, trusted: %s', (_case, ranges, peer, trusted) => {
    expect(ipFor(ranges, xff('203.0.113.9'), peer)).toBe(trusted ? '203.0.113.9' : peer.replace('::ffff:', ''));
  });
});

describe("trustProxy: the framework's name", () => {
  it('is the address the framework computed, unmapped', () => {
    expect(ipFor('express', EVERY_HEADER, '127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(ipFor('koa', {}, '::ffff:10.0.0.2', '::ffff:192.168.1.20')).toBe('192.168.1.20');
  });

  it("gives '' when the framework computed something that is not an address", () => {
    expect(ipFor('express', {}, '127.0.0.1', 'garbage')).toBe('');
  });

  it('falls back to the peer address (no header) when the framework computed none', () => {
    expect(ipFor('express', EVERY_HEADER, '127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(ipFor('koa', EVERY_HEADER, '127.0.0.1', '')).toBe('127.0.0.1');
  });
});

describe('the trustProxy option', () => {
  const at = { component: 'trackMiddleware', path: 'trustProxy', data: false };
  const check = (value: unknown) => trustProxyOption('express').check(value, at);
  const refusal = (value: unknown): string => {
    try {
      check(value);
    } catch (error) {
      expect(error).toBeInstanceOf(OptionsError);
      return (error as Error).message;
    }
    throw new Error('expected an OptionsError');
  };
  const EXPECTED =
    "false, the number of proxies in front of the app (an integer of 0 or more), an array of the trusted proxies' addresses or CIDR ranges, or 'express'";

  it('takes every documented form', () => {
    expect(check(false)).toBe(false);
    expect(check(0)).toBe(0);
    expect(check(2)).toBe(2);
    expect(check('express')).toBe('express');
    const ranges = ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '::ffff:10.0.0.0/104', 'loopback', 'linklocal', 'uniquelocal'];
    expect(check(ranges)).toEqual(ranges);
  });

  it('refuses true, saying why', () => {
    expect(refusal(true)).toBe(
      `trackMiddleware: option 'trustProxy' must be ${EXPECTED}, got true: trusting every proxy would let any client choose its ip with X-Forwarded-For; give the number of proxies in front of the app or their addresses`,
    );
  });

  it.each([
    [-1, '-1 (a number)'],
    [1.5, '1.5 (a number)'],
    ['koa', '"koa" (a string)'],
    ['10.0.0.1', '"10.0.0.1" (a string)'],
    [null, 'null'],
  ])('refuses %j', (value, described) => {
    expect(refusal(value)).toBe(`trackMiddleware: option 'trustProxy' must be ${EXPECTED}, got ${described}`);
  });

  it.each([
    ['10.0.0.300', 1],
    ['10.0.0.0/33', 1],
    ['fd00::/129', 1],
    ['10.0.0.0/', 1],
    ['10.0.0.0/8/8', 1],
    ['::ffff:10.0.0.0/64', 1],
    ['fe80::1%eth0', 1],
    ['localhost', 1],
  ])('refuses the range %j, naming its place', (range, index) => {
    expect(refusal(['10.0.0.1', range])).toBe(
      `trackMiddleware: option 'trustProxy[${index}]' must be an IP address, a CIDR range such as '10.0.0.0/8' or 'fd00::/8', or 'loopback', 'linklocal' or 'uniquelocal', got ${JSON.stringify(range)} (a string)`,
    );
  });
});
