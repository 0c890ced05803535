import { encodeJson } from '../encoding/json';
import { isPlainObject, setOwn } from '../encoding/objects';
import { CENSORED_VALUE, isPasswordKey, PASSWORD_KEYS } from '../processors/password-keys';


/** The most characters of GET/POST JSON the page-request event keeps. */
export const PAGE_EVENT_DATA_LIMIT = 512;

function append(lists: Record<string, string[]>, key: string, value: string): void {
  const list = Object.prototype.hasOwnProperty.call(lists, key) ? lists[key] : undefined;
  if (list) list.push(value);
  else setOwn(lists, key, [value]);
}

/**
 * A query string as Django's `dict(request.GET)`: each key (in order of first
 * appearance) maps to the list of its values. `+` is a space and percent escapes are
 * decoded. A leading `?` is optional.
 */
export function queryToLists(search: string): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  if (typeof search !== 'string') return lists;
  for (const [key, value] of new URLSearchParams(search)) append(lists, key, value);
  return lists;
}

/** JSON.stringify's replacer that censors password keys at any depth of a nested form value. */
function censorNested(this: unknown, key: string, value: unknown): unknown {
  return key !== '' && !Array.isArray(this) && isPasswordKey(key) ? CENSORED_VALUE : value;
}

function textOf(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') return JSON.stringify(value, censorNested) ?? '';
    return String(value);
  } catch {
    return '';
  }
}

/**
 * A parsed form body as Django's `dict(request.POST)`: each key maps to a list of
 * strings. Accepts what `express.urlencoded` (either parser) or a Koa body parser
 * gives: a string value becomes a one-item list, an array becomes a list of its items,
 * and a nested object (from an extended parser) becomes one JSON string, in which
 * the value of every password key (see {@link isPasswordKey}), at any depth, is
 * already censored. Anything that is not a plain object (no body, a JSON array, a
 * Buffer) gives `{}`. Never throws.
 */
export function formToLists(body: unknown): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  if (!isPlainObject(body)) return lists;
  for (const key of Object.keys(body)) {
    let value: unknown;
    try {
      value = body[key];
    } catch {
      continue;
    }
    setOwn(lists, key, Array.isArray(value) ? value.map(textOf) : [textOf(value)]);
  }
  return lists;
}

/**
 * A copy of `lists` in which the value of each password key present (one of
 * {@link PASSWORD_KEYS}, or a bracketed name with one as a part: see
 * {@link isPasswordKey}) is replaced, whole, by `'********'`. Key order is kept.
 */
export function censor(lists: Record<string, string[]>): Record<string, string[] | string> {
  const out: Record<string, string[] | string> = {};
  for (const key of Object.keys(lists)) {
    setOwn(out, key, isPasswordKey(key) ? CENSORED_VALUE : (lists[key] as string[]));
  }
  return out;
}

/**
 * The data of the page-request event: `json.dumps({'GET': get, 'POST': post})` as
 * Python writes it, cut to 512 characters (so it may not be valid JSON).
 * Pass the already censored lists.
 */
export function pageEventData(get: Record<string, unknown>, post: Record<string, unknown>): string {
  return encodeJson({ GET: get, POST: post }, 'python').slice(0, PAGE_EVENT_DATA_LIMIT);
}
