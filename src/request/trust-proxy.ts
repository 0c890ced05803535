import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { failOption, OptionsError, type OptionPath, type OptionType } from '../core/options';
import { clientIp, isValidIp, unmapIpv4 } from './ip';

/**
 * Which proxies the middleware believes about the client's address (its `trustProxy`
 * option): `false` for none (the socket's peer is the client); a number of proxies in
 * front of the app; the addresses or CIDR ranges of the trusted proxies; or the name
 * of the framework (`'express'`, `'koa'`) to take the address it computes with its
 * own proxy setting. Left out, the address is found as Open edX finds it.
 */
export type TrustProxy<Framework extends string = string> = false | number | string[] | Framework;

/**
 * How a middleware finds the client's address: from the request headers, the socket's
 * peer address, and the address the framework computed (read only when `trustProxy`
 * names the framework). Gives the address, or `''` when there is no valid one.
 */
export type ClientIpReader = (headers: IncomingHttpHeaders, remoteAddress: string | undefined, frameworkIp: unknown) => string;

/** Express's names for groups of ranges (proxy-addr's), accepted in a list of trusted proxies. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

interface Range {
  network: string;
  prefix: number;
  type: 'ipv4' | 'ipv6';
}

/** One address or CIDR range, as a list of trusted proxies writes it; an IPv4-mapped IPv6 range becomes the IPv4 range. Null if it is neither. */
function parseRange(text: string): Range | null {
  const slash = text.indexOf('/');
  const address = (slash < 0 ? text : text.slice(0, slash)).trim().toLowerCase();
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1).trim();
  if (!isValidIp(address) || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return null;
  const version = isIP(address);
  let prefix = prefixText === undefined ? (version === 4 ? 32 : 128) : Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  const unmapped = unmapIpv4(address);
  if (unmapped !== address) {
    if (prefix < 96) return null; // a range wider than the mapped block is not an IPv4 range
    prefix -= 96;
  }
  return { network: unmapped, prefix, type: isIP(unmapped) === 4 ? 'ipv4' : 'ipv6' };
}

const RANGE_EXPECTED = "an IP address, a CIDR range such as '10.0.0.0/8' or 'fd00::/8', or 'loopback', 'linklocal' or 'uniquelocal'";

/** The ranges an entry of a trusted list stands for: a name's group, else the entry itself. */
function rangesOf(entry: string): readonly string[] {
  return Object.prototype.hasOwnProperty.call(NAMED_RANGES, entry) ? (NAMED_RANGES[entry] as readonly string[]) : [entry];
}

function checkRange(value: unknown, at: OptionPath): string {
  if (typeof value === 'string' && rangesOf(value).every((range) => parseRange(range) !== null)) return value;
  return failOption(at, RANGE_EXPECTED, value);
}

/**
 * The `trustProxy` option of a request middleware on `framework` (see
 * {@link TrustProxy}); without a framework (one that computes no client address of
 * its own), no name is accepted. `true` is refused with the reason: trusting every
 * proxy lets any client choose its address.
 */
export function trustProxyOption<const Framework extends string = never>(framework?: Framework): OptionType<TrustProxy<Framework>> {
  const forms = "false, the number of proxies in front of the app (an integer of 0 or more), an array of the trusted proxies' addresses or CIDR ranges";
  const expected = framework === undefined ? forms : `${forms}, or '${framework}'`;
  return {
    expected,
    accepts: (value) => value === false || typeof value === 'number' || Array.isArray(value) || (framework !== undefined && value === framework),
    check(value, at) {
      if (value === true) {
        throw new OptionsError(
          at.component,
          `option '${at.path}' must be ${expected}, got true: trusting every proxy would let any client choose its ip with X-Forwarded-For; give the number of proxies in front of the app or their addresses`,
        );
      }
      if (value === false || (framework !== undefined && value === framework)) return value as TrustProxy<Framework>;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
      if (!Array.isArray(value)) return failOption(at, expected, value);
      return value.map((entry, i) => checkRange(entry, { ...at, path: `${at.path}[${i}]` }));
    },
  };
}

/** An address as the client's: IPv4-mapped addresses unmapped, `''` when it is not an address. */
function validAddress(address: unknown): string {
  return typeof address === 'string' && isValidIp(address) ? unmapIpv4(address.toLowerCase()) : '';
}

/** The entries of X-Forwarded-For, trimmed and lowercased, empty ones left out (repeated headers joined). */
function forwardedFor(headers: IncomingHttpHeaders): string[] {
  const value: unknown = headers['x-forwarded-for'];
  const text = Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(',') : value;
  if (typeof text !== 'string') return [];
  return text
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

/**
 * The client's address behind trusted proxies: starting from the socket's peer and
 * walking X-Forwarded-For from the right, each address `trusted` says is a proxy's
 * hands over to the entry before it; the first untrusted address is the client's (or
 * the left-most entry, when every address is trusted). An entry there that is not an
 * address gives `''`.
 */
function behindTrustedProxies(headers: IncomingHttpHeaders, remoteAddress: unknown, trusted: (address: string, hop: number) => boolean): string {
  let address = validAddress(remoteAddress);
  if (address === '' || !trusted(address, 0)) return address;
  const entries = forwardedFor(headers);
  for (let hop = 1; hop <= entries.length; hop++) {
    const entry = entries[entries.length - hop] as string;
    if (!isValidIp(entry)) return '';
    address = unmapIpv4(entry);
    if (!trusted(address, hop)) return address;
  }
  return address;
}

/** Whether an address is in one of the trusted ranges. */
function inRanges(ranges: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const text of ranges) {
    for (const each of rangesOf(text)) {
      const range = parseRange(each);
      if (range) list.addSubnet(range.network, range.prefix, range.type);
    }
  }
  return (address) => list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The {@link ClientIpReader} of a `trustProxy` value (already checked by
 * {@link trustProxyOption}): left out, Open edX's {@link clientIp} (every header it
 * reads, left-most entries); `false`, the peer address alone; a number or a list, the
 * X-Forwarded-For walk of the trusted proxies (no other header is read); a framework's
 * name, the address the framework computed (the peer address when it gives none).
 */
export function clientIpReader(trustProxy: TrustProxy | undefined): ClientIpReader {
  if (trustProxy === undefined) return clientIp;
  if (trustProxy === false) return (_headers, remoteAddress) => validAddress(remoteAddress);
  if (typeof trustProxy === 'string') {
    return (_headers, remoteAddress, frameworkIp) =>
      typeof frameworkIp === 'string' && frameworkIp !== '' ? validAddress(frameworkIp) : validAddress(remoteAddress);
  }
  const hops = trustProxy;
  const trusted = typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : inRanges(hops);
  return (headers, remoteAddress) => behindTrustedProxies(headers, remoteAddress, trusted);
}
