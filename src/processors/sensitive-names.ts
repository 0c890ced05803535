import { PASSWORD_KEYS } from './password-keys';

/**
 * The names whose values {@link PasswordCensorProcessor} censors by default: Open
 * edX's seven password keys, then the names under which apps and clients commonly
 * send a password, a token, a key or a secret (close to the list Sentry's SDKs
 * scrub). Names compare as {@link SensitiveNames} says: case and every character
 * but letters and digits ignored, so `api_key` also stands for `apikey`, `apiKey`
 * and `API-KEY`, and `access_token` for `accessToken`.
 *
 * Left out on purpose: `session` (the context's `session` is already a hash, and
 * analytics joins on it), `code` and `pin` (course and error codes), `auth`
 * (`author`-like names in payloads are not secrets, and `authorization` is here).
 */
export const SENSITIVE_KEYS: readonly string[] = Object.freeze([
  ...PASSWORD_KEYS,
  // Other names of a password.
  'passwd',
  'pwd',
  'mysql_pwd',
  'password1',
  'password2',
  'current_password',
  'confirm_password',
  'password_confirmation',
  'otp',
  // Keys: the Segment webhook's secret travels as `?key=`.
  'key',
  'api_key',
  'x_api_key',
  'secret_key',
  'private_key',
  // Secrets and tokens.
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'csrftoken',
  'csrfmiddlewaretoken',
  'xsrf_token',
  // Credentials sent as fields.
  'authorization',
  'credentials',
  'cookie',
  'sessionid',
]);

/** A name as it compares: lower case, letters and digits only. */
function normalName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Names longer than this are checked each time rather than remembered (a hostile payload's names cost no memory). */
const LONGEST_REMEMBERED_NAME = 100;
/** How many names are remembered; past it the memory starts over. */
const REMEMBERED_NAMES = 5000;

/**
 * Tells which names are sensitive. A name is when, compared without case and
 * without any character that is not a letter or a digit, it equals one of the
 * listed names — or one of its parts does, the parts being what `[`, `]` and `.`
 * separate (`user[password]`, `account[settings][api_key]`, `user.password`).
 * Answers are remembered, so a name seen before costs one map lookup.
 */
export class SensitiveNames {
  private readonly names: ReadonlySet<string>;
  private readonly known = new Map<string, boolean>();

  constructor(names: readonly string[]) {
    this.names = new Set(names.map(normalName).filter((name) => name !== ''));
  }

  /** Whether the value under `name` is censored. */
  has(name: string): boolean {
    const known = this.known.get(name);
    if (known !== undefined) return known;
    const answer = this.decide(name);
    if (name.length <= LONGEST_REMEMBERED_NAME) {
      if (this.known.size >= REMEMBERED_NAMES) this.known.clear();
      this.known.set(name, answer);
    }
    return answer;
  }

  private decide(name: string): boolean {
    if (this.names.has(normalName(name))) return true;
    if (!/[[\].]/.test(name)) return false;
    return name.split(/[[\].]+/).some((part) => part !== '' && this.names.has(normalName(part)));
  }
}
