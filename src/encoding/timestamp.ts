/**
 * A `Date` that also carries the microseconds within its millisecond, so that
 * timestamps keep the precision Python's `datetime` has. It serializes (through
 * `toJSON`, hence through `JSON.stringify`) the way Python's `isoformat()` writes an
 * aware UTC datetime.
 */
export class EventTime extends Date {
  /** Microseconds within the current millisecond, 0–999. */
  readonly microsecond: number;

  constructor(epochMilliseconds: number, microsecond = 0) {
    super(epochMilliseconds);
    this.microsecond = microsecond;
  }

  /** Python's `isoformat()` in UTC: `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`. */
  override toJSON(): string {
    return formatIsoTime(this);
  }
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * Formats a date as Python's `datetime.isoformat()` does for an aware UTC datetime:
 * `2013-10-03T08:24:55+00:00`, with a six-digit fraction when the microseconds are
 * not zero (`2012-05-01T07:27:01.000200+00:00`). Never `Z`.
 */
export function formatIsoTime(date: Date): string {
  const millis = date.getUTCMilliseconds();
  const micros = millis * 1000 + (date instanceof EventTime ? date.microsecond : 0);
  const base = secondText(date.getTime() - millis);
  return micros === 0 ? `${base}+00:00` : `${base}.${String(micros).padStart(6, '0')}+00:00`;
}

/** The last second formatted, kept: events of the same second share the text up to the seconds. */
let cachedSecond = NaN;
let cachedSecondText = '';

/** `YYYY-MM-DDTHH:MM:SS` of the whole second starting at `epochMs` (UTC). */
function secondText(epochMs: number): string {
  if (epochMs !== cachedSecond) {
    const date = new Date(epochMs);
    const year = date.getUTCFullYear();
    const yyyy = year >= 0 && year < 10000 ? String(year).padStart(4, '0') : String(year);
    cachedSecondText =
      `${yyyy}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}` +
      `T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
    cachedSecond = epochMs;
  }
  return cachedSecondText;
}

/** Wall-clock milliseconds minus the high-resolution clock, re-aligned on drift. */
let clockOffset = performance.timeOrigin;

/**
 * The current time with microsecond precision where the platform gives it: the
 * sub-millisecond part comes from the high-resolution clock, kept aligned with the
 * wall clock (when they disagree on the millisecond, the wall clock wins and the
 * alignment is reset).
 */
export function now(): EventTime {
  const wall = Date.now();
  const monotonic = performance.now();
  let precise = clockOffset + monotonic;
  if (Math.floor(precise) !== wall) {
    clockOffset = wall - monotonic;
    precise = wall;
  }
  return new EventTime(wall, Math.min(Math.floor((precise - wall) * 1000), 999));
}

/** A copy of `date` as an {@link EventTime}, keeping its microseconds. */
export function toEventTime(date: Date): EventTime {
  return new EventTime(date.getTime(), date instanceof EventTime ? date.microsecond : 0);
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 timestamp as dateutil does for the forms Segment sends:
 * a fraction of any length (nanoseconds included) is cut to microseconds, an offset
 * is applied, and a time without an offset is taken as UTC.
 *
 * @returns the time, or null when `text` is not such a timestamp.
 */
export function parseIsoTimestamp(text: unknown): EventTime | null {
  if (typeof text !== 'string') return null;
  const match = ISO_TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const micros = Number(fraction.slice(0, 6).padEnd(6, '0'));
  const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.floor(micros / 1000));
  const inRange = Number(month) >= 1 && Number(month) <= 12 && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
  if (!inRange || new Date(local).getUTCDate() !== Number(day)) return null;
  return new EventTime(local - zoneOffsetMinutes(zone) * 60_000, micros % 1000);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}
