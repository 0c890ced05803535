import { defineDataProperty } from './copy';

/** Whether `value` is a plain object (what Python would call a dict). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Sets `key` on `target` as an own data property, even when the key is `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') defineDataProperty(target, key, value);
  else target[key] = value;
}

/** Copies `source`'s own enumerable keys onto `target`, as data (a `__proto__` key included). */
export function assignOwn(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) setOwn(target, key, source[key]);
}
