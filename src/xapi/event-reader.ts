import { isPlainObject } from '../encoding/objects';
import { isPythonFalsy } from '../encoding/python-truth';
import { XapiTransformError } from './errors';
import { pythonStr } from './python-values';

/**
 * Reads an event's fields the way event-routing-backends' transformers do (their
 * `get_data`): a dotted key (`'context.course_id'`) follows that path; a plain key
 * (`'session'`) is looked up anywhere in the event, depth first, the event's own key
 * winning; and an empty value (`''`, `[]`, `{}`, `null`) counts as missing, while `0`
 * and `false` count as values.
 */
export class EventReader {
  constructor(
    /** The event as given (never modified). */
    readonly event: Record<string, unknown>,
    /** The event's name, for error messages. */
    readonly name: string,
  ) {}

  /** The value at `key`, or `undefined` when it is missing or empty. */
  get(key: string): unknown {
    const found = key.includes('.') ? atPath(this.event, key.split('.')) : findNested(this.event, key);
    return isEmpty(found) ? undefined : found;
  }

  /** The value at `key` when Python would call it true (not `0`, not `false`): the left side of ERB's `a or b`. */
  truthy(key: string): unknown {
    const value = this.get(key);
    return isPythonFalsy(value) ? undefined : value;
  }

  /** The value at `key`; throws an {@link XapiTransformError} when it is missing or empty. */
  require(key: string): unknown {
    const value = this.get(key);
    if (value === undefined) throw this.fail('missing-field', `the event has no '${key}'`);
    return value;
  }

  /** The value at `key` as text (see {@link asText}), or `undefined` when it is missing or empty. */
  text(key: string): string | undefined {
    const value = this.get(key);
    return value === undefined ? undefined : this.asText(value, key);
  }

  /** The value at `key` as text (see {@link asText}); throws an {@link XapiTransformError} when it is missing or empty. */
  requireText(key: string): string {
    return this.asText(this.require(key), key);
  }

  /**
   * A value of field `key` as Python's `str()` writes it into an IRI: a string as it is, a
   * number or boolean as Python writes them; an object or array fails (`'invalid-value'`).
   */
  asText(value: unknown, key: string): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return pythonStr(value);
    throw this.fail('invalid-value', `'${key}' is not text`);
  }

  /** An {@link XapiTransformError} about this event. */
  fail(reason: 'missing-field' | 'invalid-value', detail: string): XapiTransformError {
    return new XapiTransformError(this.name, reason, detail);
  }
}

/** Python's `value != 0 and not value`: null, '', [] and {} are empty; 0 and false are not. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function atPath(source: unknown, keys: string[]): unknown {
  let value = source;
  for (const key of keys) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** The first value of `key` in `source` or its nested objects (not arrays), depth first; a nested null is skipped. */
function findNested(source: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(source, key)) return source[key];
  for (const child of Object.values(source)) {
    if (isPlainObject(child)) {
      const found = findNested(child, key);
      if (found !== null && found !== undefined) return found;
    }
  }
  return undefined;
}
