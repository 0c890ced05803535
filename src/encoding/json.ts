import { EventTime, formatIsoTime } from './timestamp';

/**
 * How `tracking.log` lines are encoded.
 * - `'compact'`: `JSON.stringify` (no spaces, UTF-8 as is), except that U+2028, U+2029
 *   and U+0085 are escaped (`\u2028`...): readers that split lines on them, as Python's
 *   `str.splitlines` does, see one line per event. Fastest.
 * - `'python'`: byte for byte what Python's `json.dumps` writes with its defaults:
 *   `", "` and `": "` separators, every character outside printable ASCII as a
 *   lowercase `\uXXXX` escape, `NaN`/`Infinity` as Python writes them, and floats
 *   in Python's `repr` form (`1e-05`, `1e+16`).
 *
 * In both, dates are written as Python's `isoformat()` in UTC. JavaScript cannot
 * tell the integer `1` from the float `1.0`, so an integral number is always written
 * as an integer; and object keys that look like array indexes come first, in
 * numeric order, as JavaScript orders them.
 */
export type JsonStyle = 'compact' | 'python';

/** Encodes `value` as one line of JSON in the given style. Throws a `TypeError` on a cycle or an unencodable value. */
export function encodeJson(value: unknown, style: JsonStyle = 'compact'): string {
  return style === 'python' ? encodePython(value, []) : encodeCompact(value);
}

/**
 * `JSON.stringify`, with dates as Python writes them and the line breaks it leaves
 * escaped. `EventTime` writes dates through its own `toJSON`; a plain `Date` writes
 * `...Z"`, so a line holding that text is encoded again with a replacer that formats
 * plain dates (slower, hence only then).
 */
function encodeCompact(value: unknown): string {
  const line = JSON.stringify(value) ?? 'null';
  return escapeLineBreaks(line.includes('Z"') ? (JSON.stringify(value, withPythonDates) ?? 'null') : line);
}

/**
 * The line breaks other than `\n` and `\r` that `JSON.stringify` leaves raw (it escapes
 * the control characters, `\v`, `\f` and `\x1c`-`\x1e` among them): Python's
 * `splitlines` and other line readers split on these too.
 */
const LINE_BREAKS = /[\u0085\u2028\u2029]/g;

/** `line` with U+0085, U+2028 and U+2029 written as `\uXXXX` escapes; the same string when it has none (the common case, three scans). */
export function escapeLineBreaks(line: string): string {
  if (!line.includes('\u2028') && !line.includes('\u2029') && !line.includes('\u0085')) return line;
  return line.replace(LINE_BREAKS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function withPythonDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date && !(raw instanceof EventTime) ? isoTimeOrNull(raw) : value;
}

/** Python's `isoformat()` of a date; `null` for an invalid date (as `JSON.stringify` writes it). */
function isoTimeOrNull(date: Date): string | null {
  return Number.isNaN(date.getTime()) ? null : formatIsoTime(date);
}

/** `ancestors`: the objects being encoded around `value`, to refuse a cycle (a short list: the nesting depth). */
function encodePython(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return pythonString(value);
    case 'number':
      return pythonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return 'null';
      return encodePythonObject(value, ancestors);
    default:
      // undefined, functions and symbols, as JSON.stringify treats them at the top level.
      return 'null';
  }
}

function encodePythonObject(value: object, ancestors: object[]): string {
  if (value instanceof Date) {
    const text = isoTimeOrNull(value);
    return text === null ? 'null' : `"${text}"`;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return encodePython(withToJson.toJSON(), ancestors);
  if (ancestors.includes(value)) throw new TypeError('Circular reference detected');
  ancestors.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i === 0 ? '' : ', ') + (isSkipped(item) ? 'null' : encodePython(item, ancestors));
    }
    out += ']';
  } else {
    out = '{';
    let separator = '';
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (isSkipped(item)) continue;
      out += `${separator}${pythonString(key)}: ${encodePython(item, ancestors)}`;
      separator = ', ';
    }
    out += '}';
  }
  ancestors.pop();
  return out;
}

/** Values that JSON.stringify leaves out of objects (and writes as null in arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string as Python writes it with `ensure_ascii=True`. */
const PLAIN_ASCII = /^[ !#-[\]-~]*$/;

export function pythonString(text: string): string {
  if (PLAIN_ASCII.test(text)) return `"${text}"`;
  return `"${text.replace(/[\\"]|[^ -~]/g, (char) => {
    return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}

/** A number as Python's `json.dumps` writes it (floats in `repr` form). */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Number.isSafeInteger(value)) return String(value);
  // Shortest round-trip digits, then Python's repr layout: scientific notation
  // when the exponent is below -4 or at least 16, positional otherwise.
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return Number.isInteger(value) ? `${BigInt(value)}.0` : String(value);
}
