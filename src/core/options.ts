/**
 * Option checking: each component describes its options once, as a schema of
 * {@link OptionType}s; the schema checks what a caller passes (an unknown name is
 * refused with the nearest valid one, a wrong type with the expected one) and gives
 * the options' TypeScript type ({@link OptionsOf}). No Node imports: the browser
 * Logger uses it too.
 */

/** A configuration mistake: an unknown option, or a value of the wrong type. Thrown at construction. */
export class OptionsError extends TypeError {
  override name = 'OptionsError';

  constructor(
    /** The component whose options are wrong. */
    readonly component: string,
    /** What is wrong, without the component's name. */
    readonly detail: string,
  ) {
    super(`${component}: ${detail}`);
  }
}

/** Where a value being checked sits: the component, its path among the options, and whether it is data. */
export interface OptionPath {
  /** The component whose options these are, as its users call it: `'LoggerBackend'`, `'trackMiddleware'`. */
  readonly component: string;
  /** The dotted path of the option: `'segment.writeKey'`, `'ignoreUrlPatterns[2]'`. */
  readonly path: string;
  /** Configuration data (createTracker, edxDefaults): snake_case names are accepted for camelCase ones. */
  readonly data: boolean;
}

/** One option's type: what a valid value is, and how to check one. */
export interface OptionType<T> {
  /** What a valid value is, as a phrase for messages: `'a string'`, `'an integer of 1 or more'`. */
  readonly expected: string;
  /** Whether `value` is of this type's kind at first sight (chooses among {@link option.anyOf}'s alternatives). */
  accepts(value: unknown): boolean;
  /** Checks `value` (never undefined) in depth and returns it; throws {@link OptionsError} naming `at.path`. */
  check(value: unknown, at: OptionPath): T;
}

/** The options of a component: each name with its type. */
export type OptionFields = Record<string, OptionType<unknown>>;

/** The value type an {@link OptionType} checks. */
export type TypeOfOption<O> = O extends OptionType<infer T> ? T : never;

/** The options object a schema of `F` describes: every option optional. */
export type OptionsOf<F> = { -readonly [K in keyof F]?: TypeOfOption<F[K]> };

/** Throws the message for a value of the wrong type. */
export function failOption(at: OptionPath, expected: string, value: unknown): never {
  throw new OptionsError(at.component, `option '${at.path}' must be ${expected}, got ${describeValue(value)}`);
}

/** A short description of a value for messages: `'50k' (a string)`, `5 (a number)`, `null`, `a function`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value !== 'object') {
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return `${text.length > 60 ? `${text.slice(0, 57)}...` : text} (${article(typeof value)})`;
  }
  const kind = Array.isArray(value) ? 'array' : isPlainObject(value) ? 'object' : (Object.getPrototypeOf(value)?.constructor?.name ?? 'object');
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return text !== undefined && text.length <= 60 ? `${text} (${article(kind)})` : article(kind);
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const within = (at: OptionPath, key: string | number): OptionPath => ({
  ...at,
  path: typeof key === 'number' ? `${at.path}[${key}]` : at.path ? `${at.path}.${key}` : key,
});

/** A type that only needs a first-sight test: the value is returned as it is. */
function simple<T>(expected: string, accepts: (value: unknown) => boolean): OptionType<T> {
  return {
    expected,
    accepts,
    check(value, at) {
      return accepts(value) ? (value as T) : failOption(at, expected, value);
    },
  };
}

function numberPhrase(limits: { min?: number; max?: number; integer?: boolean }): string {
  const noun = limits.integer ? 'an integer' : 'a number';
  if (limits.min !== undefined && limits.max !== undefined) return `${noun} from ${limits.min} to ${limits.max}`;
  if (limits.min !== undefined) return `${noun} of ${limits.min} or more`;
  if (limits.max !== undefined) return `${noun} of ${limits.max} or less`;
  return noun;
}

/** The option types schemas are made of. */
export const option = {
  /** A string; `nonEmpty` refuses `''`. */
  string(limits: { nonEmpty?: boolean } = {}): OptionType<string> {
    return simple(limits.nonEmpty ? 'a non-empty string' : 'a string', (v) => typeof v === 'string' && (!limits.nonEmpty || v !== ''));
  },
  /** A finite number, within the limits given. */
  number(limits: { min?: number; max?: number; integer?: boolean } = {}): OptionType<number> {
    const { min = -Infinity, max = Infinity, integer = false } = limits;
    return simple(numberPhrase(limits), (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)));
  },
  /** `true` or `false`. */
  boolean(): OptionType<boolean> {
    return simple('true or false', (v) => typeof v === 'boolean');
  },
  /** A function; its signature is the type parameter (not checkable at run time). */
  function<F extends (...args: never[]) => unknown>(): OptionType<F> {
    return simple('a function', (v) => typeof v === 'function');
  },
  /** One of the listed values. */
  oneOf<const V extends readonly (string | number | boolean)[]>(values: V): OptionType<V[number]> {
    return simple(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => values.includes(v as V[number]));
  },
  /** A value `test` accepts, described as `expected` (`'a Tracker'`, `'a RegExp'`). */
  instance<T>(expected: string, test: (value: unknown) => boolean): OptionType<T> {
    return simple(expected, test);
  },
  /** `null`, or a value of `type`. */
  nullable<T>(type: OptionType<T>): OptionType<T | null> {
    return option.anyOf(simple<null>('null', (v) => v === null), type);
  },
  /** A value of the first type that accepts it at first sight, checked in depth by that type. */
  anyOf<const A extends readonly OptionType<unknown>[]>(...types: A): OptionType<TypeOfOption<A[number]>> {
    const expected = types.map((type) => type.expected).join(' or ');
    return {
      expected,
      accepts: (value) => types.some((type) => type.accepts(value)),
      check(value, at) {
        const type = types.find((candidate) => candidate.accepts(value));
        return type ? (type.check(value, at) as TypeOfOption<A[number]>) : failOption(at, expected, value);
      },
    };
  },
  /** An array whose every item is of `item`'s type. */
  arrayOf<T>(item: OptionType<T>): OptionType<T[]> {
    const expected = `an array of items that are each ${item.expected}`;
    return {
      expected,
      accepts: Array.isArray,
      check(value, at) {
        if (!Array.isArray(value)) return failOption(at, expected, value);
        return value.map((entry, i) => item.check(entry, within(at, i)));
      },
    };
  },
  /** A plain object of any keys whose every value is of `type`'s type (backends by name, say). */
  recordOf<T>(type: OptionType<T>): OptionType<Record<string, T>> {
    const expected = `an object whose values are each ${type.expected}`;
    return {
      expected,
      accepts: isPlainObject,
      check(value, at) {
        if (!isPlainObject(value)) return failOption(at, expected, value);
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, type.check(entry, within(at, key))]));
      },
    };
  },
  /** A plain object with the given options (nested options, checked like a component's). */
  object<const F extends OptionFields>(fields: F): OptionType<OptionsOf<F>> {
    return {
      expected: 'an object',
      accepts: isPlainObject,
      check: (value, at) => checkFields(fields, value, at),
    };
  },
};

/**
 * The options of one component. `check` takes options written in code (camelCase
 * names); `checkData` options given as configuration data, where Python's snake_case
 * names are accepted too. Both return a new object holding the options given, with
 * `undefined` ones left out, and throw {@link OptionsError} on the first mistake.
 */
export class OptionsSchema<F extends OptionFields> {
  constructor(
    /** The component, as its users call it (`'LoggerBackend'`, `'trackMiddleware'`). */
    readonly component: string,
    /** Each option with its type. */
    readonly fields: F,
  ) {}

  /** The option names. */
  get names(): string[] {
    return Object.keys(this.fields);
  }

  /** Checks options written in code; `undefined` stands for no options. */
  check(options: unknown): OptionsOf<F> {
    return checkFields(this.fields, options ?? {}, { component: this.component, path: '', data: false });
  }

  /** Checks options given as data (snake_case names accepted); `path` prefixes the names in messages. */
  checkData(options: unknown, path = ''): OptionsOf<F> {
    return checkFields(this.fields, options ?? {}, { component: this.component, path, data: true });
  }

  /**
   * The names of options given as data (top level only) turned into this schema's
   * names (snake_case to camelCase), without checking the values: for data whose values
   * are still to be built (engine specs); the constructor checks them, nested names
   * included. Throws for an unknown name, or one given in both spellings.
   */
  renameData(options: Record<string, unknown>, path = ''): Record<string, unknown> {
    const at: OptionPath = { component: this.component, path, data: true };
    const renamed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) renamed[uniqueFieldName(this.fields, key, renamed, at)] = value;
    return renamed;
  }

  /** A schema with these options and `more`, for a component `component` that extends this one. */
  extend<const G extends OptionFields>(component: string, more: G): OptionsSchema<F & G> {
    return new OptionsSchema(component, { ...this.fields, ...more });
  }
}

/** Describes the options of `component`; see {@link OptionsSchema}. */
export function defineOptions<const F extends OptionFields>(component: string, fields: F): OptionsSchema<F> {
  return new OptionsSchema(component, fields);
}

function checkFields<F extends OptionFields>(fields: F, value: unknown, at: OptionPath): OptionsOf<F> {
  if (!isPlainObject(value)) {
    if (at.path === '') throw new OptionsError(at.component, `options must be an object, got ${describeValue(value)}`);
    return failOption(at, 'an object', value);
  }
  const checked: Record<string, unknown> = {};
  for (const [key, given] of Object.entries(value)) {
    const name = uniqueFieldName(fields, key, checked, at);
    if (given !== undefined) checked[name] = (fields[name] as OptionType<unknown>).check(given, within(at, name));
  }
  return checked as OptionsOf<F>;
}

/** {@link fieldName}, refusing a name already in `taken` (in data, `close_timeout` beside `closeTimeout`). */
function uniqueFieldName(fields: OptionFields, key: string, taken: Record<string, unknown>, at: OptionPath): string {
  const name = fieldName(fields, key, at);
  if (hasOwn(taken, name)) {
    throw new OptionsError(at.component, `option '${within(at, name).path}' is given twice, in camelCase and in snake_case; keep one`);
  }
  return name;
}

/** A snake_case name in camelCase: `max_event_size` → `maxEventSize`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The schema's name for `key`: itself, or (in data) its camelCase form; throws for an unknown name. */
function fieldName(fields: OptionFields, key: string, at: OptionPath): string {
  if (hasOwn(fields, key)) return key;
  const camel = camelCase(key);
  if (at.data && hasOwn(fields, camel)) return camel;
  const names = Object.keys(fields);
  const place = (name: string) => within(at, name).path;
  const nearest = nearestName(key, names);
  const hint = nearest
    ? `did you mean '${place(nearest)}'?`
    : names.length === 0
      ? `${at.path ? `'${at.path}'` : 'it'} takes no options`
      : `valid options${at.path ? ` of '${at.path}'` : ''}: ${names.join(', ')}`;
  throw new OptionsError(at.component, `unknown option '${place(key)}'; ${hint}`);
}

/** `Object.hasOwn`, which browsers older than 2022 (Safari 15.3) lack; the browser Logger checks its options here. */
function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** The valid name closest to a misspelled `key`, if one is close enough to be what was meant. */
export function nearestName(key: string, names: readonly string[]): string | undefined {
  const fold = (name: string) => name.toLowerCase().replace(/[_-]/g, '');
  const folded = fold(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(folded, fold(name));
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(folded.length / 4)) ? best : undefined;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, (before[j - 2] as number) + 1);
      current.push(distance);
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length] as number;
}
