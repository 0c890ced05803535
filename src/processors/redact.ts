import { createHmac } from 'node:crypto';
import { encodeJson } from '../encoding/json';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import type { TrackedEvent } from '../core/types';

const redactOptions = defineOptions('RedactProcessor', {
  /**
   * The fields to redact, as dotted paths into the event as this processor sees it:
   * `'context.ip'`, `'context.username'`, `'data.email'` on a raw event (a branch's
   * first processors); `'username'`, `'ip'`, `'event.email'` on a tracking.log event
   * (after `LegacyFieldMappingProcessor`). A path through an array applies to every
   * item; a path through a string holding JSON (a browser event's `event` after the
   * legacy shim) applies inside it, and the string is written back as Python's
   * `json.dumps` writes it. Missing fields are left alone. Required: at least one.
   */
  fields: option.arrayOf(option.string({ nonEmpty: true })),
  /**
   * `'drop'`: the field is removed. `'hash'`: its value is replaced by the HMAC-SHA-256
   * of its text keyed with `salt`, as 64 lowercase hex digits, so that events of one
   * user (or IP) can still be joined without revealing who. Default: `'drop'`.
   */
  mode: option.oneOf(['drop', 'hash'] as const),
  /**
   * The secret key of `'hash'` (required with it; at least 16 characters). Keep it
   * secret and stable: whoever has it can test guesses, and a new one breaks joins.
   * Default: none.
   */
  salt: option.string(),
});

/** Options of {@link RedactProcessor}. */
export type RedactProcessorOptions = OptionsOf<typeof redactOptions.fields> & { fields: string[] };

/** Segments that must never be followed: they lead to prototypes, not data. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Drops or hashes listed fields of every event on the branch it is put on, so that
 * operators decide per branch what leaves: for instance the username and the IP
 * address of events forwarded to Segment, while tracking.log keeps them.
 *
 * - Values hashed: a string as is; a number, boolean or bigint as its text; an
 *   object or array as its compact JSON. `null`, `undefined` and `''` are kept as
 *   they are (they identify no one).
 * - The hash is `HMAC-SHA-256(key = salt, message = value)` in hex, full length (64
 *   digits): `printf %s "$value" | openssl dgst -sha256 -hmac "$salt"` gives the same.
 * - Only an object's own fields are followed or touched; `__proto__`, `prototype`
 *   and `constructor` segments are refused at construction.
 *
 * @example
 * // The Segment branch of edxDefaults, with usernames hashed and IPs dropped:
 * new RedactProcessor({ fields: ['context.username'], mode: 'hash', salt: process.env.REDACT_SALT })
 * new RedactProcessor({ fields: ['context.ip'] })
 */
export class RedactProcessor {
  readonly fields: readonly string[];
  readonly mode: 'drop' | 'hash';
  private readonly paths: string[][];
  private readonly salt: string | undefined;
  /** Set when a field was dropped or hashed (the processing is synchronous). */
  private touched = false;

  /** The options of a RedactProcessor. */
  static readonly options = redactOptions;

  constructor(given: RedactProcessorOptions) {
    const fail = (message: string): never => {
      throw new OptionsError('RedactProcessor', message);
    };
    const { fields, mode = 'drop', salt } = redactOptions.check(given);
    if (fields === undefined || fields.length === 0) fail("option 'fields' is required: a non-empty array of dotted paths such as ['context.ip', 'username']");
    this.paths = fields!.map((field) => {
      const segments = field.split('.');
      if (segments.some((segment) => segment === '')) fail(`the field ${JSON.stringify(field)} has an empty segment`);
      const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
      if (forbidden !== undefined) fail(`the field ${JSON.stringify(field)} goes through '${forbidden}', which is not data`);
      return segments;
    });
    if (mode !== 'drop' && mode !== 'hash') fail(`mode must be 'drop' or 'hash', got ${JSON.stringify(mode)}`);
    if (mode === 'hash' && (typeof salt !== 'string' || salt.length < 16)) {
      fail("mode 'hash' needs a salt: a secret string of at least 16 characters (e.g. from an environment variable)");
    }
    if (mode === 'drop' && salt !== undefined) fail("salt is only used with mode 'hash'; remove it, or set mode: 'hash'");
    this.fields = [...fields!];
    this.mode = mode;
    this.salt = salt;
  }

  process(event: TrackedEvent): TrackedEvent {
    for (const path of this.paths) this.redact(event, path, 0);
    return event;
  }

  /** Redacts `path[index..]` inside `holder`, which may be an object, an array or a JSON string; returns the new holder. */
  private redact(holder: unknown, path: string[], index: number): unknown {
    if (Array.isArray(holder)) {
      for (let i = 0; i < holder.length; i++) holder[i] = this.redact(holder[i], path, index);
      return holder;
    }
    if (typeof holder === 'string') return this.redactInJson(holder, path, index);
    if (typeof holder !== 'object' || holder === null) return holder;
    const target = holder as Record<string, unknown>;
    const key = path[index]!;
    if (!Object.prototype.hasOwnProperty.call(target, key)) return holder;
    if (index === path.length - 1) {
      this.touched = true;
      if (this.mode === 'drop') delete target[key];
      else target[key] = this.hash(target[key]);
    } else {
      target[key] = this.redact(target[key], path, index + 1);
    }
    return holder;
  }

  private redactInJson(text: string, path: string[], index: number): string {
    const trimmed = text.trimStart();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return text;
    }
    const outer = this.touched;
    this.touched = false;
    const redacted = this.redact(parsed, path, index);
    const changed = this.touched;
    this.touched = outer || changed;
    return changed ? encodeJson(redacted, 'python') : text;
  }

  private hash(value: unknown): unknown {
    if (value === null || value === undefined || value === '') return value;
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'object') text = JSON.stringify(value) ?? '';
    else text = String(value);
    return createHmac('sha256', this.salt!).update(text).digest('hex');
  }
}
