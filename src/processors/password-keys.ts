/**
 * The keys whose whole value `trackMiddleware` replaces in the page-request event,
 * exactly and case-sensitively, as Open edX does. `PasswordCensorProcessor` censors
 * more names in every event: see `SENSITIVE_KEYS`, which starts with these.
 */
export const PASSWORD_KEYS: readonly string[] = Object.freeze([
  'password',
  'newpassword',
  'new_password',
  'oldpassword',
  'old_password',
  'new_password1',
  'new_password2',
]);

/**
 * Whether the value of a form or query field named `key` is censored: `key` is one
 * of {@link PASSWORD_KEYS} (exactly, case-sensitive, as Open edX), or a bracketed
 * name one of whose parts is (`password[]`, `user[password]`,
 * `account[settings][new_password1]`), as extended body parsers and PHP-style forms
 * name fields. Open edX, whose forms never use brackets, censors only the first kind.
 * `keys` replaces the seven password keys.
 */
export function isPasswordKey(key: string, keys: readonly string[] = PASSWORD_KEYS): boolean {
  if (keys.includes(key)) return true;
  const open = key.indexOf('[');
  if (open < 0 || !key.endsWith(']')) return false;
  if (keys.includes(key.slice(0, open))) return true;
  return key
    .slice(open + 1, -1)
    .split('][')
    .some((part) => keys.includes(part));
}

/** What a censored value becomes. */
export const CENSORED_VALUE = '********';
