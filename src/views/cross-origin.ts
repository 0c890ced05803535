import type { IncomingHttpHeaders } from 'node:http';
import { failOption, OptionsError, type OptionType } from '../core/options';

/**
 * An origin as `allowedOrigins` takes it: `scheme://host[:port]`, http or https, with
 * no path, query or credentials (a trailing `/` is accepted). Checked when the handler
 * is made; kept as the browser serializes it (`new URL(...).origin`).
 */
export const originOption: OptionType<string> = {
  expected: "an origin such as 'https://apps.example.com' (scheme, host and port; no path)",
  accepts: (value) => typeof value === 'string',
  check(value, at) {
    const origin = typeof value === 'string' ? serializedOrigin(value) : undefined;
    return origin ?? failOption(at, originOption.expected, value);
  },
};

/** `text` as the `Origin` header would write it, or undefined when it is not an http(s) origin alone. */
function serializedOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !text.includes('?') && !text.includes('#');
  return bare && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : undefined;
}

/** Throws unless `allowedOrigins` goes with the cross-origin check: it means nothing with `refuseCrossOrigin: false`. */
export function checkCrossOriginOptions(component: string, options: { refuseCrossOrigin?: boolean; allowedOrigins?: string[] }): void {
  if (options.refuseCrossOrigin === false && options.allowedOrigins !== undefined) {
    throw new OptionsError(component, "option 'allowedOrigins' has no effect with refuseCrossOrigin: false (every origin is accepted); leave one of them out");
  }
}

/** One header as a string, or undefined (a repeated header is not a value a browser sends). */
function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value: unknown = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The host (and port) of an origin, lowercased: what its page's requests carry in `Host`. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Whether `host` names the host (and port) the request was sent to: its `Host`, or a proxy's `X-Forwarded-Host`. */
function isRequestHost(headers: IncomingHttpHeaders, host: string): boolean {
  const named = [single(headers, 'host'), ...(single(headers, 'x-forwarded-host')?.split(',') ?? [])];
  return named.some((value) => value !== undefined && value.trim().toLowerCase() === host);
}

/**
 * Why a request must be refused as cross-origin, or undefined to accept it; what
 * browsers say of who started a request decides:
 *
 * 1. `Sec-Fetch-Site` (every current browser sends it): `same-origin` and `none` (the
 *    user typed the URL or used a bookmark) are accepted; `same-site`, `cross-site`
 *    (and any other value) only with an `Origin` in `allowed`.
 * 2. Without it (older browsers), `Origin`: accepted when it names the host the
 *    request was sent to (the `Host` header, or `X-Forwarded-Host`; the scheme is not
 *    compared, so a proxy ending TLS changes nothing) or is in `allowed`.
 * 3. Neither header: accepted. Such a request comes from no browser (a server, a
 *    script, curl), which carries no visitor's cookies to forge with, or from a
 *    browser too old to tell (a GET from one that sends no Sec-Fetch-Site).
 *
 * A cross-site page can set none of these headers.
 */
export function crossOriginRefusal(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): string | undefined {
  const site = single(headers, 'sec-fetch-site')?.trim().toLowerCase();
  const origin = single(headers, 'origin')?.trim();
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none' || (origin !== undefined && allowed.has(origin))) return undefined;
    return `cross-origin request refused: Sec-Fetch-Site is '${site}' and ${origin === undefined ? 'there is no Origin' : `Origin '${origin}' is not in allowedOrigins`}`;
  }
  if (origin === undefined || allowed.has(origin)) return undefined;
  const host = originHost(origin);
  if (host !== undefined && isRequestHost(headers, host)) return undefined;
  return `cross-origin request refused: Origin '${origin}' is neither this host ('${single(headers, 'host') ?? ''}') nor in allowedOrigins`;
}
