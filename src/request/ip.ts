import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/**
 * The request headers searched for the client address, in order, before the socket's
 * remote address: django-ipware's default `IPWARE_META_PRECEDENCE_ORDER` (v3–v5),
 * written as Node's lowercase header names.
 */
export const IP_HEADER_ORDER: readonly string[] = Object.freeze([
  'x-forwarded-for',
  'client-ip',
  'x-real-ip',
  'x-forwarded',
  'x-cluster-client-ip',
  'forwarded-for',
  'forwarded',
  'via',
]);

function prefixRange(before: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${before}${n}.`);
  return out;
}

/**
 * Prefixes of non-routable addresses other than loopback, as ipware's default
 * `IPWARE_PRIVATE_IP_PREFIX` lists them (addresses are lowercased first).
 */
export const PRIVATE_IP_PREFIXES: readonly string[] = Object.freeze([
  '0.', // "this network"
  '10.', // private
  ...prefixRange('100.', 64, 127), // carrier-grade NAT
  '169.254.', // link-local
  ...prefixRange('172.', 16, 31), // private
  '192.0.0.', // IANA special purpose
  '192.0.2.', // documentation (TEST-NET-1)
  '192.168.', // private
  '198.18.', '198.19.', // benchmarking
  '198.51.100.', // documentation (TEST-NET-2)
  '203.0.113.', // documentation (TEST-NET-3)
  ...prefixRange('', 224, 255), // multicast and reserved
  '::', // unspecified and IPv4-compatible
  '0:', // ::/8 written out
  '2001:10:', '2001:20:', // ORCHID
  '2001:db8:', // documentation
  'fc', 'fd', // unique local (fc00::/7)
  'fe8', 'fe9', 'fea', 'feb', // link-local (fe80::/10)
  'ff', // multicast
]);

/** Prefixes of loopback addresses, as ipware's `IPWARE_LOOPBACK_PREFIX` (IPv6 `::1` matched exactly). */
export const LOOPBACK_IP_PREFIXES: readonly string[] = Object.freeze(['127.']);

const LOOPBACK = 1;
const PRIVATE = 2;
const PUBLIC = 3;

/** One start-anchored pattern per prefix list: a public address is then one regex test, not a scan of every prefix. */
const startsWithAny = (prefixes: readonly string[]): RegExp =>
  new RegExp(`^(?:${prefixes.map((prefix) => prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
const LOOPBACK_PATTERN = startsWithAny(LOOPBACK_IP_PREFIXES);
const PRIVATE_PATTERN = startsWithAny(PRIVATE_IP_PREFIXES);

function rank(ip: string): number {
  if (LOOPBACK_PATTERN.test(ip)) return LOOPBACK;
  if (ip === '::1' || /^(?:0{1,4}:){7}0{0,3}1$/.test(ip)) return LOOPBACK;
  if (PRIVATE_PATTERN.test(ip)) return PRIVATE;
  return PUBLIC;
}

/** Whether `text` is an IPv4 or IPv6 address as `inet_pton` reads it (no zone id). */
export function isValidIp(text: string): boolean {
  return isIP(text) !== 0 && !text.includes('%');
}

/** The header's entries, or null unless its first and last entries are addresses. */
function entriesOf(value: unknown): string[] | null {
  const text = Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(',') : value;
  if (typeof text !== 'string') return null;
  const entries = text.split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  const first = entries[0];
  const last = entries[entries.length - 1];
  return first !== undefined && last !== undefined && isValidIp(first) && isValidIp(last) ? entries : null;
}

/** Drops an IPv4-mapped prefix (`::ffff:1.2.3.4` gives `1.2.3.4`), as Node reports dual-stack peers. */
export function unmapIpv4(ip: string): string {
  if (!ip.startsWith('::ffff:')) return ip;
  const rest = ip.slice('::ffff:'.length);
  return isIP(rest) === 4 ? rest : ip;
}

/**
 * The client's address, as django-ipware's `get_client_ip` finds it with its defaults
 * (left-most, no trusted proxies), which Open edX records as the context's `ip`.
 *
 * Each header of {@link IP_HEADER_ORDER}, then `remoteAddress`, is split on `,`;
 * entries are trimmed and lowercased, and the header is skipped unless its first and
 * last entries are valid addresses. Only the left-most entry is a candidate (after
 * dropping `::ffff:`). The first public address is returned at once; otherwise the
 * best candidate seen, ranked private above loopback (on a tie the first one seen
 * wins, as in python-ipware; ipware v3–v5 would let a later private one win).
 *
 * @param headers - the request headers (Node's lowercase names; arrays are joined).
 * @param remoteAddress - the socket's peer address, e.g. `'::ffff:127.0.0.1'`.
 * @returns the address, or `''` when nothing valid was found. Never throws.
 */
export function clientIp(headers: IncomingHttpHeaders, remoteAddress: string | undefined): string {
  const values: unknown[] = IP_HEADER_ORDER.map((name) => headers?.[name]);
  values.push(remoteAddress);
  let best = '';
  let bestRank = 0;
  for (const value of values) {
    const entries = entriesOf(value);
    if (entries === null) continue;
    const candidate = unmapIpv4(entries[0] as string);
    const candidateRank = rank(candidate);
    if (candidateRank === PUBLIC) return candidate;
    if (candidateRank > bestRank) {
      best = candidate;
      bestRank = candidateRank;
    }
  }
  return best;
}
