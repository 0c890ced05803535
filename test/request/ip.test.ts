import type { IncomingHttpHeaders } from 'node:http';
import { IP_HEADER_ORDER, clientIp } from '../../src/request/ip';

describe('clientIp: the cases of test_middleware.py', () => {
  it('uses REMOTE_ADDR without X-Forwarded-For', () => {
    expect(clientIp({}, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('prefers a public X-Forwarded-For over a loopback REMOTE_ADDR', () => {
    expect(clientIp({ 'x-forwarded-for': '11.22.33.44' }, '127.0.0.1')).toBe('11.22.33.44');
  });

  it('takes the left-most entry of a proxy chain', () => {
    expect(clientIp({ 'x-forwarded-for': '11.22.33.44, 10.0.0.1, 127.0.0.1' }, '127.0.0.1')).toBe('11.22.33.44');
  });

  it('returns a private REMOTE_ADDR when nothing better is known', () => {
    expect(clientIp({}, '10.0.0.0')).toBe('10.0.0.0');
  });
});

describe('clientIp: derived from the algorithm', () => {
  it('only considers the left-most entry, and ranks private above loopback', () => {
    expect(clientIp({ 'x-forwarded-for': '10.0.0.1, 11.22.33.44' }, '127.0.0.1')).toBe('10.0.0.1');
  });

  it('ignores a garbage header', () => {
    expect(clientIp({ 'x-forwarded-for': 'garbage' }, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('skips a header whose last entry is not an address', () => {
    expect(clientIp({ 'x-forwarded-for': '11.22.33.44, unknown' }, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('skips a header whose first entry is not an address', () => {
    expect(clientIp({ 'x-forwarded-for': 'unknown, 11.22.33.44' }, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('does not require the middle entries to be addresses', () => {
    expect(clientIp({ 'x-forwarded-for': '11.22.33.44, junk, 10.0.0.1' }, '127.0.0.1')).toBe('11.22.33.44');
  });

  it('ignores empty entries, spaces and case', () => {
    expect(clientIp({ 'x-forwarded-for': ' , 2001:DB9::1 ,, ' }, '127.0.0.1')).toBe('2001:db9::1');
  });

  it('falls back to x-real-ip', () => {
    expect(clientIp({ 'x-forwarded-for': 'garbage', 'x-real-ip': '8.8.8.8' }, '127.0.0.1')).toBe('8.8.8.8');
  });

  it('falls back to via', () => {
    expect(clientIp({ via: '8.8.4.4' }, '10.1.1.1')).toBe('8.8.4.4');
  });

  it('reads a header given as an array', () => {
    const headers = { 'x-forwarded-for': ['11.22.33.44', '10.0.0.1'] } as unknown as IncomingHttpHeaders;
    expect(clientIp(headers, '127.0.0.1')).toBe('11.22.33.44');
  });

  it('searches the headers in ipware order', () => {
    expect(IP_HEADER_ORDER).toEqual([
      'x-forwarded-for',
      'client-ip',
      'x-real-ip',
      'x-forwarded',
      'x-cluster-client-ip',
      'forwarded-for',
      'forwarded',
      'via',
    ]);
    expect(clientIp({ via: '9.9.9.9', 'client-ip': '1.1.1.1' }, '8.8.8.8')).toBe('1.1.1.1');
  });

  it('returns the first public address found, even if a later header has another', () => {
    expect(clientIp({ 'x-real-ip': '10.0.0.5', via: '9.9.9.9' }, '8.8.8.8')).toBe('9.9.9.9');
  });

  it('keeps the first non-public address of equal rank', () => {
    expect(clientIp({ 'x-forwarded-for': '10.0.0.1' }, '192.168.0.1')).toBe('10.0.0.1');
    expect(clientIp({ 'x-forwarded-for': '127.0.0.2' }, '127.0.0.1')).toBe('127.0.0.2');
  });

  it('prefers a private REMOTE_ADDR over a loopback header', () => {
    expect(clientIp({ 'x-forwarded-for': '127.0.0.1' }, '172.20.0.3')).toBe('172.20.0.3');
  });

  it('gives an empty string when nothing is valid', () => {
    expect(clientIp({}, undefined)).toBe('');
    expect(clientIp({ 'x-forwarded-for': 'garbage' }, 'not-an-ip')).toBe('');
    expect(clientIp({ 'x-forwarded-for': '' }, '')).toBe('');
  });

  it('does not accept an IPv6 zone id, as inet_pton does not', () => {
    expect(clientIp({ 'x-forwarded-for': 'fe80::1%eth0' }, '127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('clientIp: IPv4-mapped and IPv6 addresses', () => {
  it("strips Node's ::ffff: prefix from the remote address", () => {
    expect(clientIp({}, '::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientIp({}, '::ffff:8.8.8.8')).toBe('8.8.8.8');
    expect(clientIp({ 'x-forwarded-for': '::FFFF:11.22.33.44' }, '::1')).toBe('11.22.33.44');
  });

  it('ranks a mapped private address as private', () => {
    expect(clientIp({ 'x-forwarded-for': '::ffff:10.0.0.1' }, '::ffff:127.0.0.1')).toBe('10.0.0.1');
  });

  it('returns a public IPv6 address', () => {
    expect(clientIp({ 'x-forwarded-for': '2a00:1450:4001:80b::200e' }, '::1')).toBe('2a00:1450:4001:80b::200e');
  });

  it('returns ::1 for a local IPv6 connection', () => {
    expect(clientIp({}, '::1')).toBe('::1');
  });

  it.each([
    ['fc00::1'],
    ['fd12:3456:789a::1'],
    ['fe80::1'],
    ['ff02::1'],
    ['2001:db8::1'],
    ['::'],
  ])('ranks %s as private (above loopback, below public)', (ip) => {
    expect(clientIp({ 'x-forwarded-for': ip }, '::1')).toBe(ip);
    expect(clientIp({ 'x-forwarded-for': ip }, '8.8.8.8')).toBe('8.8.8.8');
  });

  it('ranks the written-out IPv6 loopback as loopback', () => {
    expect(clientIp({ 'x-forwarded-for': '0:0:0:0:0:0:0:1' }, '10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('clientIp: private and reserved IPv4 ranges', () => {
  it.each([
    ['0.1.2.3'],
    ['10.9.8.7'],
    ['100.64.0.1'],
    ['100.127.255.254'],
    ['169.254.1.1'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.0.0.8'],
    ['192.0.2.1'],
    ['192.168.1.1'],
    ['198.18.0.1'],
    ['198.19.0.1'],
    ['198.51.100.7'],
    ['203.0.113.9'],
    ['224.0.0.1'],
    ['239.255.255.250'],
    ['240.0.0.1'],
    ['255.255.255.255'],
  ])('%s is not public', (ip) => {
    expect(clientIp({ 'x-forwarded-for': ip }, '8.8.8.8')).toBe('8.8.8.8');
    expect(clientIp({ 'x-forwarded-for': ip }, '127.0.0.1')).toBe(ip);
  });

  it.each([['100.63.0.1'], ['100.128.0.1'], ['172.15.0.1'], ['172.32.0.1'], ['192.169.0.1'], ['223.255.255.255']])(
    '%s is public',
    (ip) => {
      expect(clientIp({ 'x-forwarded-for': ip }, '8.8.8.8')).toBe(ip);
    },
  );

  it('ranks every 127.x address as loopback', () => {
    expect(clientIp({ 'x-forwarded-for': '127.8.9.10' }, '10.0.0.1')).toBe('10.0.0.1');
  });
});
