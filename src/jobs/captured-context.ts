import { setOwn } from '../encoding/objects';

/** The version mark of a {@link CapturedContext}; a value without it is refused. */
export const CAPTURED_CONTEXT_VERSION = 1;

/** A context field's value in a captured context: JSON's scalars only. */
export type CapturedValue = string | number | boolean | null;

/**
 * The event context of a request, captured to travel with a job: JSON-safe, small, and
 * checked again where it is restored. Its `context` is also what Open edX's
 * `task_track` takes as request info (`username`, `ip`, `agent`, `host`).
 */
export interface CapturedContext {
  v: typeof CAPTURED_CONTEXT_VERSION;
  context: Record<string, CapturedValue>;
}

/** The fields of the request context a job carries (Open edX's `edx.request` fields). */
export const CARRIED_FIELDS: readonly string[] = Object.freeze([
  'session',
  'user_id',
  'username',
  'ip',
  'host',
  'agent',
  'path',
  'referer',
  'accept_language',
  'client_id',
  'course_id',
  'org_id',
  'enterprise_uuid',
]);

/** The longest string value carried; a longer one is cut to this many characters. */
export const MAX_VALUE_LENGTH = 2048;

/** The limits a context is sanitised with. */
export interface CarryRules {
  /** The field names carried, besides which every field is dropped. */
  fields: ReadonlySet<string>;
  /** The longest string kept whole. */
  maxValueLength: number;
}

function carriedValue(value: unknown, maxLength: number): CapturedValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.length > maxLength ? value.slice(0, maxLength) : value;
  return undefined;
}

/**
 * The carried part of a context: own fields named in `rules.fields` whose value is a
 * JSON scalar (strings cut to `maxValueLength`); everything else — other names,
 * objects, functions, getters that throw — is left out, never merged. Returns the
 * fields kept and how many were dropped.
 */
export function carriedFields(context: object, rules: CarryRules): { context: Record<string, CapturedValue>; dropped: number } {
  const kept: Record<string, CapturedValue> = {};
  let dropped = 0;
  for (const name of Object.keys(context)) {
    let value: unknown;
    try {
      value = Object.getOwnPropertyDescriptor(context, name)?.value;
    } catch {
      value = undefined;
    }
    const carried = rules.fields.has(name) ? carriedValue(value, rules.maxValueLength) : undefined;
    if (carried === undefined) dropped++;
    else setOwn(kept, name, carried);
  }
  return { context: kept, dropped };
}

/** Whether `value` is shaped as a {@link CapturedContext} (its fields are checked separately). */
export function isCapturedShape(value: unknown): value is { v: number; context: object } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const candidate = value as { v?: unknown; context?: unknown };
  const context = candidate.context;
  return (
    candidate.v === CAPTURED_CONTEXT_VERSION &&
    typeof context === 'object' &&
    context !== null &&
    !Array.isArray(context) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(context) as object | null)
  );
}
