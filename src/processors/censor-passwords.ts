import { encodeJson } from '../encoding/json';
import { defineDataProperty } from '../encoding/copy';
import { CENSORED_VALUE, isPasswordKey, PASSWORD_KEYS } from './password-keys';
import { defineOptions, option, type OptionsOf } from '../core/options';
import type { TrackedEvent } from '../core/types';

const passwordCensorOptions = defineOptions('PasswordCensorProcessor', {
  /**
   * The keys whose values are censored, matched exactly (case-sensitive), also as a
   * part of a bracketed name (`user[password]`). Default: Open edX's seven password keys.
   */
  keys: option.arrayOf(option.string({ nonEmpty: true })),
});

/** Options of {@link PasswordCensorProcessor}. */
export type PasswordCensorOptions = OptionsOf<typeof passwordCensorOptions.fields>;

/**
 * Replaces, anywhere in an event's payload and context (objects and arrays at any
 * depth), the value of each password key by `'********'`, as Open edX censors the
 * page-request event — but for every event: `/event` payloads (which Open edX logs
 * as sent), mobile events, and server events alike. A payload that is a JSON string
 * (a browser event after the legacy shim) is censored inside, and written back as
 * Python's `json.dumps` writes it when something changed. A payload string that is
 * not JSON is left as it is.
 *
 * Put it first in the root processors, so that no branch sees a password:
 * `createTracker({ ...config, processors: [{ engine: 'PasswordCensorProcessor' }, ...] })`.
 */
export class PasswordCensorProcessor {
  readonly keys: readonly string[];
  /** The keys, for the common case of a key that is exactly one of them. */
  private readonly exactKeys: ReadonlySet<string>;

  /** The options of a PasswordCensorProcessor. */
  static readonly options = passwordCensorOptions;

  constructor(options: PasswordCensorOptions = {}) {
    const keys = passwordCensorOptions.check(options).keys ?? PASSWORD_KEYS;
    this.keys = [...keys];
    this.exactKeys = new Set(keys);
  }

  process(event: TrackedEvent): TrackedEvent {
    for (const field of ['data', 'event'] as const) {
      const payload = event[field];
      if (typeof payload === 'string') {
        const censored = this.censorJsonText(payload);
        if (censored !== payload) event[field] = censored;
      }
    }
    this.censor(event);
    return event;
  }

  /**
   * Censors `root` in place, iteratively (an event nested deeper than the stack is
   * still censored). Returns whether anything changed.
   */
  private censor(root: unknown): boolean {
    let changed = false;
    const stack: unknown[] = [root];
    const seen = new Set<object>();
    while (stack.length > 0) {
      const value = stack.pop();
      if (typeof value !== 'object' || value === null || seen.has(value)) continue;
      seen.add(value);
      if (Array.isArray(value)) {
        for (const item of value) stack.push(item);
        continue;
      }
      const target = value as Record<string, unknown>;
      for (const key of Object.keys(target)) {
        if (this.exactKeys.has(key) || (key.includes('[') && isPasswordKey(key, this.keys))) {
          if (target[key] !== CENSORED_VALUE) {
            defineDataProperty(target, key, CENSORED_VALUE);
            changed = true;
          }
        } else {
          stack.push(target[key]);
        }
      }
    }
    return changed;
  }

  /**
   * Whether `text` may hold a password key once parsed: it contains one of the keys,
   * or a backslash (an escape such as `\u0070assword` can spell one). Most payload
   * strings (a page-request event's GET/POST JSON without password fields) are ruled out
   * without parsing.
   */
  private mayHoldKey(text: string): boolean {
    return text.includes('\\') || this.keys.some((key) => text.includes(key));
  }

  private censorJsonText(text: string): string {
    const start = text.trimStart()[0];
    if ((start !== '{' && start !== '[') || !this.mayHoldKey(text)) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return text;
    }
    return this.censor(parsed) ? encodeJson(parsed, 'python') : text;
  }
}
