/**
 * The values of event-routing-backends' statements that Python writes its own way:
 * video times rounded to milliseconds as Python's `'{:.3f}'` rounds, durations as
 * the tincan library writes a `timedelta`, answers as Python's `str()` or
 * `json.dumps(..., ensure_ascii=False)`, and timestamps as tincan re-writes them.
 */
import { encodeJson, pythonNumber } from '../encoding/json';
import { pythonRepr } from '../encoding/python-repr';
import { formatIsoTime } from '../encoding/timestamp';

/**
 * A number rounded to 3 decimals as Python's `float('{0:.3f}'.format(x))` does.
 * `toFixed` rounds an exact tie up; Python rounds it to even. Ties at the third
 * decimal are exactly the odd multiples of 1/16 (x.0625, x.1875, ...).
 */
export function roundMillis(value: number): number {
  const exactTie = Number.isInteger(value * 16) && !Number.isInteger(value * 8);
  if (!exactTie) return Number(value.toFixed(3));
  const floor = Math.floor(value * 1000);
  return (floor % 2 === 0 ? floor : floor + 1) / 1000;
}

/** Python's `float(value)` of a JSON value; `undefined` when Python would raise. */
export function pythonFloat(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/(?<=\d)_(?=\d)/g, '').toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(text)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * A number of seconds as the ISO 8601 duration tincan writes for a `timedelta`:
 * `PT05S`, `PT03M15S`, `PT01H00M05S`, `P1DT00H00M00S`, `PT02.5S` (two-digit fields
 * after the first, a fraction without trailing zeros).
 */
export function isoDuration(seconds: number): string {
  const micros = roundHalfEven(seconds * 1e6);
  const total = micros / 1e6;
  const [minutesTotal, secondsLeft] = divmod(total, 60);
  const [hoursTotal, minutes] = divmod(minutesTotal, 60);
  const [days, hours] = divmod(hoursTotal, 24);
  const secondsRounded = Number(secondsLeft.toFixed(6));
  const date = days ? `${days}D` : '';
  let time = 'T';
  if (date || hours) time += `${pad2(hours)}H`;
  if (date || hours || minutes) time += `${pad2(minutes)}M`;
  time += Number.isInteger(secondsRounded) ? pad2(secondsRounded) : secondsRounded.toFixed(6).padStart(9, '0').replace(/0+$/, '');
  return `P${date}${time}S`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Python's float `divmod`: the quotient floored, the remainder with the divisor's sign. */
function divmod(value: number, by: number): [number, number] {
  let mod = value % by;
  if (mod !== 0 && mod < 0 !== by < 0) mod += by;
  return [Math.round((value - mod) / by), mod];
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Python's `str(value)` of a JSON value: a string as it is, anything else as its `repr`. */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return pythonNumber(value);
  return pythonRepr(value);
}

/** Python's `json.dumps(value, ensure_ascii=False)`: `", "` and `": "` separators, text beyond ASCII as it is. */
export function pythonJsonUnicode(value: unknown): string {
  return encodeJson(value, 'python').replace(/\\\\|\\u([0-9a-f]{4})/g, (escape, hex: string | undefined) => {
    if (hex === undefined) return escape;
    const code = parseInt(hex, 16);
    return code < 0x7f ? escape : String.fromCharCode(code);
  });
}

/** The forms aniso8601 (through tincan) reads: an extended date and time, with a time zone. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** An event's time as ERB reads it: the text its statement id is made of, and the timestamp its statement carries. */
export interface EventTimestamp {
  /** The text as the event holds it (a `Date` as Python's `isoformat()` writes it). */
  readonly raw: string;
  /** The timestamp of the statement: Python's `isoformat()` of the parsed time, its offset kept. */
  readonly normalized: string;
}

/**
 * Reads an event's time as event-routing-backends does: the statement id is made of
 * the text as it is; the statement's timestamp is that text parsed and written again
 * by Python's `isoformat()` (`Z` becomes `+00:00`, a fraction becomes six digits or
 * none when zero, digits past the microsecond are cut).
 *
 * @returns the two forms, or a string saying what is wrong.
 */
export function readTimestamp(value: unknown): EventTimestamp | string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return 'the timestamp is an invalid date';
    const text = formatIsoTime(value);
    return { raw: text, normalized: text };
  }
  if (typeof value !== 'string') return 'the timestamp is not a string';
  const match = TIMESTAMP.exec(value);
  if (!match) return `the timestamp '${value}' is not an ISO 8601 date and time`;
  const [, year, month, day, hour, minute, second = '00', fraction = '', utc, sign, offsetHours, offsetMinutes = '00'] = match;
  if (!utc && !sign) return `the timestamp '${value}' has no time zone`;
  const valid =
    Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth(Number(year), Number(month)) &&
    Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60 && Number(offsetHours ?? 0) < 24 && Number(offsetMinutes) < 60;
  if (!valid) return `the timestamp '${value}' is out of range`;
  const micros = fraction.slice(0, 6).padEnd(6, '0');
  const zero = !sign || (Number(offsetHours) === 0 && Number(offsetMinutes) === 0);
  const offset = zero ? '+00:00' : `${sign}${offsetHours}:${offsetMinutes}`;
  return { raw: value, normalized: `${year}-${month}-${day}T${hour}:${minute}:${second}${micros === '000000' ? '' : `.${micros}`}${offset}` };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
