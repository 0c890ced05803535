/**
 * Python's truthiness, which decides Open edX's defaults (`name or 'unknown'`,
 * `data or {}`): `null`, `undefined`, `false`, `0`, `NaN`, `''`, an empty array and
 * an empty plain object are falsy.
 */
export function isPythonFalsy(value: unknown): boolean {
  if (!value) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const _key in value) return false;
    return true;
  }
  return false;
}
