import { decodePercentRuns } from './percent';

/** Undoes Python's cookie quoting (`"..."` with `\"` and `\ooo` escapes). */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value
    .slice(1, -1)
    .replace(/\\([0-3][0-7]{2}|[\s\S])/g, (_, escaped: string) =>
      escaped.length === 3 ? String.fromCharCode(parseInt(escaped, 8)) : escaped,
    );
}

/**
 * The value of cookie `name` in a `Cookie` header, or undefined. Pairs are separated by
 * `;` and split at the first `=`; a later pair wins, as in Django's `parse_cookie`.
 * Quoted values are unquoted and percent escapes decoded where valid. Never throws.
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  // Most headers are long (a signed-in LMS user sends a dozen cookies): skip them whole
  // when the name is not in them, and otherwise walk the pairs without splitting.
  if (typeof cookieHeader !== 'string' || !cookieHeader.includes(name)) return undefined;
  let found: string | undefined;
  // The first '=' at or after the pair's start, searched again only once the pairs have
  // passed it: every character is read a bounded number of times (a header of many
  // pairs without '=', `_ga;;;...`, was quadratic when each pair searched on its own).
  let equals = cookieHeader.indexOf('=');
  for (let start = 0; equals >= 0; ) {
    const semicolon = cookieHeader.indexOf(';', start);
    const end = semicolon < 0 ? cookieHeader.length : semicolon;
    if (equals < end && cookieHeader.slice(start, equals).trim() === name) found = cookieHeader.slice(equals + 1, end).trim();
    if (semicolon < 0) break;
    start = end + 1;
    if (equals < start) equals = cookieHeader.indexOf('=', start);
  }
  return found === undefined ? undefined : decodePercentRuns(unquote(found));
}

/**
 * The Google Analytics client id of a request, Open edX's `client_id`: from a `_ga`
 * cookie, the part after its first two dot-separated fields
 * (`GA1.2.1033501218.1368477899` gives `1033501218.1368477899`); otherwise the
 * `X-EDX-GA-CLIENT-ID` header (the first value if repeated); otherwise null.
 *
 * @param cookieHeader - the `Cookie` header.
 * @param gaHeader - the `X-EDX-GA-CLIENT-ID` header.
 */
export function gaClientId(cookieHeader: string | undefined, gaHeader: string | string[] | undefined): string | null {
  const cookie = readCookie(cookieHeader, '_ga');
  if (cookie !== undefined) return cookie.split('.').slice(2).join('.');
  const header = Array.isArray(gaHeader) ? gaHeader[0] : gaHeader;
  return typeof header === 'string' ? header : null;
}
