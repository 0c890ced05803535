import { defineDataProperty } from '../encoding/copy';
import { CENSORED_VALUE } from './password-keys';
import { censorText, mayHoldNames } from './censor-text';
import { SENSITIVE_KEYS, SensitiveNames } from './sensitive-names';
import { defineOptions, option, type OptionsOf } from '../core/options';
import type { TrackedEvent } from '../core/types';

const passwordCensorOptions = defineOptions('PasswordCensorProcessor', {
  /**
   * The names whose values are censored, replacing the defaults. Names compare
   * without case and without the characters that are not letters or digits
   * (`api_key` stands for `apiKey` and `API-KEY` too), whole or as a part of a
   * bracketed or dotted name (`user[password]`, `user.password`).
   * Default: {@link SENSITIVE_KEYS}, Open edX's seven password keys and the common
   * names of passwords, tokens, keys and secrets.
   */
  keys: option.arrayOf(option.string({ nonEmpty: true })),
  /** More names to censor, added to `keys` (to the defaults when it is not given). Default: none. */
  extraKeys: option.arrayOf(option.string({ nonEmpty: true })),
});

/** Options of {@link PasswordCensorProcessor}. */
export type PasswordCensorOptions = OptionsOf<typeof passwordCensorOptions.fields>;

/**
 * Replaces by `'********'` the value of every sensitive name (passwords, tokens,
 * keys, secrets: see the `keys` option) anywhere in an event: in objects and arrays
 * at any depth of its payload and context, and in the texts it holds — a payload
 * that is a string (a page event's GET/POST JSON, even cut at 512 characters; an
 * `/event` payload that was not JSON, such as `a=1&password=x`), a URL with a
 * query, a JSON document in a string field (see {@link censorText} for what is
 * recognised). Texts are edited in place: everything else in them is kept byte for byte.
 *
 * Open edX censors only the page event, and only its seven password keys, exactly;
 * `trackMiddleware` still does that (so that its page events are Open edX's); this
 * processor censors the rest, for every event. `edxDefaults` puts it first on every
 * branch (`censorPasswords`); elsewhere put it first yourself:
 * `createTracker({ ...config, processors: [{ engine: 'PasswordCensorProcessor' }, ...] })`.
 */
export class PasswordCensorProcessor {
  /** The names censored (as given, or the defaults), `extraKeys` included. */
  readonly keys: readonly string[];
  private readonly names: SensitiveNames;
  private readonly isSensitive: (name: string) => boolean;

  /** The options of a PasswordCensorProcessor. */
  static readonly options = passwordCensorOptions;

  constructor(options: PasswordCensorOptions = {}) {
    const checked = passwordCensorOptions.check(options);
    this.keys = Object.freeze([...(checked.keys ?? SENSITIVE_KEYS), ...(checked.extraKeys ?? [])]);
    this.names = new SensitiveNames(this.keys);
    this.isSensitive = (name) => this.names.has(name);
  }

  process(event: TrackedEvent): TrackedEvent {
    this.walk(event, (holder, key, replacement) => {
      if (Array.isArray(holder)) holder[key as number] = replacement;
      else defineDataProperty(holder, key as string, replacement);
      return true;
    });
    return event;
  }

  /**
   * Whether {@link process} would change anything in `value` (an event, or a part of
   * one: a payload, a context, a text). Reads, never writes; the fast paths ask it
   * before they skip this processor.
   */
  wouldChange(value: unknown): boolean {
    if (typeof value === 'string') return this.censorString(value) !== value;
    if (typeof value !== 'object' || value === null) return false;
    return !this.walk(value, () => false);
  }

  /** Whether {@link process} would change the field `name` holding `value` (`name` is censored, or `value` holds something that is). */
  wouldChangeField(name: string, value: unknown): boolean {
    return this.names.has(name) ? value !== CENSORED_VALUE : this.wouldChange(value);
  }

  /**
   * Visits `root` iteratively (an event nested deeper than the stack is still
   * visited), calling `change` with the replacement of each value that is censored.
   * Stops, returning false, when `change` returns false; returns true once all is visited.
   */
  private walk(root: object, change: (holder: object, key: string | number, replacement: string) => boolean): boolean {
    const stack: object[] = [root];
    const seen = new Set<object>();
    while (stack.length > 0) {
      const value = stack.pop() as object;
      if (seen.has(value)) continue;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (typeof item === 'string') {
            const censored = this.censorString(item);
            if (censored !== item && !change(value, i, censored)) return false;
          } else if (typeof item === 'object' && item !== null) {
            stack.push(item);
          }
        }
        continue;
      }
      const target = value as Record<string, unknown>;
      for (const key of Object.keys(target)) {
        const item = target[key];
        if (this.names.has(key)) {
          if (item !== CENSORED_VALUE && !change(target, key, CENSORED_VALUE)) return false;
        } else if (typeof item === 'string') {
          const censored = this.censorString(item);
          if (censored !== item && !change(target, key, censored)) return false;
        } else if (typeof item === 'object' && item !== null) {
          stack.push(item);
        }
      }
    }
    return true;
  }

  private censorString(text: string): string {
    return mayHoldNames(text) ? censorText(text, this.isSensitive) : text;
  }
}
