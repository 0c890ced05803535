// Python's `repr` and `pprint.pformat` of the values an event holds: for the messages of
// assertEventMatches, which Open edX's test expectations check word for word, and for the
// xAPI answers event-routing-backends writes as Python's `str()` of the value.
import { inspect } from 'node:util';
import { pythonNumber } from './json';
import { isPlainObject } from './objects';
import { EventTime } from './timestamp';

const micros = (date: Date): number => (date instanceof EventTime ? date.microsecond : 0);

/** `value` as Python's `repr` writes the matching Python value (`None`, `True`, `'text'`, `{'a': [1, 2]}`). */
export function pythonRepr(value: unknown, sortKeys = false, seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case 'string':
      return stringRepr(value);
    case 'number':
      return Number.isNaN(value) ? 'nan' : Number.isFinite(value) ? pythonNumber(value) : value > 0 ? 'inf' : '-inf';
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value === null) return 'None';
      if (value instanceof Date) return dateRepr(value);
      if (seen.has(value)) return Array.isArray(value) ? '[...]' : '{...}';
      seen.add(value);
      try {
        const item = (v: unknown): string => pythonRepr(v, sortKeys, seen);
        if (Array.isArray(value)) return `[${Array.from(value, item).join(', ')}]`;
        if (value instanceof Set) return value.size === 0 ? 'set()' : `{${[...value].map(item).sort().join(', ')}}`;
        if (isPlainObject(value)) {
          const keys = sortKeys ? Object.keys(value).sort() : Object.keys(value);
          return `{${keys.map((key) => `${stringRepr(key)}: ${item(value[key])}`).join(', ')}}`;
        }
        return inspect(value, { breakLength: Infinity });
      } finally {
        seen.delete(value);
      }
    default:
      return inspect(value);
  }
}

/** Python 3's `repr` of a `str`: single quotes unless only double quotes avoid escaping. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && /^[\p{C}\p{Z}]$/u.test(char)) {
      out += code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    } else out += char;
  }
  return out + quote;
}

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

/** Python's `repr` of an aware UTC `datetime`. */
function dateRepr(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'datetime.datetime(<invalid>)';
  const parts = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()];
  const micro = date.getUTCMilliseconds() * 1000 + micros(date);
  if (micro) parts.push(date.getUTCSeconds(), micro);
  else if (date.getUTCSeconds()) parts.push(date.getUTCSeconds());
  return `datetime.datetime(${parts.join(', ')}, tzinfo=datetime.timezone.utc)`;
}

const WIDTH = 80;

/** Python's `pprint.pformat` (width 80, sorted keys): one line when it fits, else one item per line. */
export function pythonPformat(value: unknown, indent = 0, allowance = 0, seen: Set<object> = new Set()): string {
  const rep = pythonRepr(value, true);
  if (rep.length <= WIDTH - indent - allowance || typeof value !== 'object' || value === null || seen.has(value)) return rep;
  const items = (list: unknown[], inner: number, extra: number): string =>
    list.map((v, i) => pythonPformat(v, inner, i === list.length - 1 ? extra : 1, seen)).join(`,\n${' '.repeat(inner)}`);
  seen.add(value);
  try {
    if (Array.isArray(value) && value.length > 0) return `[${items(Array.from(value), indent + 1, allowance + 1)}]`;
    if (value instanceof Set && value.size > 0) {
      return `{${items([...value].sort((a, b) => (pythonRepr(a) < pythonRepr(b) ? -1 : 1)), indent + 1, allowance + 1)}}`;
    }
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      const keys = Object.keys(value).sort();
      const inner = indent + 1;
      const entries = keys.map((key, i) => {
        const keyRep = stringRepr(key);
        const last = i === keys.length - 1;
        return `${keyRep}: ${pythonPformat(value[key], inner + keyRep.length + 2, last ? allowance + 1 : 1, seen)}`;
      });
      return `{${entries.join(`,\n${' '.repeat(inner)}`)}}`;
    }
    return rep;
  } finally {
    seen.delete(value);
  }
}

/** {@link pythonPformat} with every line indented by four spaces (Open edX's `block_indent`). */
export function blockIndent(value: unknown): string {
  return pythonPformat(value)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
