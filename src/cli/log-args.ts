import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { nearestName } from '../core/options';
import { UsageError } from './consume';

/** One flag of an `eventtracking log` command. */
export interface LogFlag {
  /** Its long name: `'--name'`. */
  name: string;
  /** Its short name, if any: `'-f'`. */
  short?: string;
  /** For a flag that takes a value: what a valid one is (a phrase for messages), and its parse (undefined: not valid). */
  value?: { expected: string; parse(text: string): unknown };
  /** May be given several times (each value is kept). */
  repeat?: boolean;
}

/** What an `eventtracking log` command takes. */
export interface LogCommandSpec {
  /** `'tail'`, `'filter'`... */
  command: string;
  flags: LogFlag[];
  /** How many FILE arguments it takes: `'one'` or `'some'` (one or more). */
  files: 'one' | 'some';
}

/** Parsed arguments: the files, and the values of the flags given (a flag without a value has `true`). */
export interface LogArgs {
  files: string[];
  /** The values of `name` (`--name`), in the order given; empty when not given. */
  all<T>(name: string): T[];
  /** The value of `name`, or undefined when not given. */
  one<T>(name: string): T | undefined;
}

/**
 * Parses a command's arguments: files, `--flag value`, `--flag=value`, `-f`, `-n 5`,
 * and `--` before files that start with `-`. Throws a {@link UsageError} naming the
 * flag: unknown (with the nearest valid one), given twice, missing its value, or with
 * a value that is not what it takes; or saying what FILE arguments are missing.
 */
export function parseLogArgs(spec: LogCommandSpec, argv: readonly string[]): LogArgs {
  const values = new Map<string, unknown[]>();
  const files: string[] = [];
  const byName = new Map<string, LogFlag>();
  for (const flag of spec.flags) {
    byName.set(flag.name, flag);
    if (flag.short) byName.set(flag.short, flag);
  }
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyFiles || !arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = byName.get(name);
    if (!flag) {
      const nearest = nearestName(name, [...byName.keys()]);
      throw new UsageError(`unknown option '${name}'${nearest ? `; did you mean '${nearest}'?` : ''}`);
    }
    const seen = values.get(flag.name) ?? [];
    if (seen.length > 0 && !flag.repeat) throw new UsageError(`option '${flag.name}' is given twice`);
    if (!flag.value) {
      if (eq !== -1) throw new UsageError(`option '${flag.name}' takes no value`);
      values.set(flag.name, [...seen, true]);
      continue;
    }
    const next = argv[i + 1];
    const text = eq !== -1 ? arg.slice(eq + 1) : next !== undefined && !(next.startsWith('-') && next.length > 1) ? argv[++i] : undefined;
    if (text === undefined || text === '') throw new UsageError(`option '${flag.name}' needs a value: ${flag.value.expected}`);
    const value = flag.value.parse(text);
    if (value === undefined) throw new UsageError(`option '${flag.name}' must be ${flag.value.expected}, got '${text}'`);
    values.set(flag.name, [...seen, value]);
  }
  if (files.length === 0) throw new UsageError(spec.files === 'one' ? 'give the FILE to read' : 'give at least one FILE to read');
  if (spec.files === 'one' && files.length > 1) throw new UsageError(`${spec.command} reads one FILE, got ${files.length}: ${files.join(' ')}`);
  return {
    files,
    all: <T>(name: string) => (values.get(name) ?? []) as T[],
    one: <T>(name: string) => values.get(name)?.[0] as T | undefined,
  };
}

/** A whole number within limits, as a flag value. */
export function wholeNumber(min: number): LogFlag['value'] {
  return { expected: `an integer of ${min} or more`, parse: (text) => (/^\d+$/.test(text) && Number(text) >= min ? Number(text) : undefined) };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time for `--since` / `--until`, in ms since the epoch: an ISO 8601 date or date
 * and time (`2024-05-01`, `2024-05-01T10:30`, `2024-05-01 10:30:00+02:00`; without a
 * zone it is UTC, the zone of tracking.log), or a duration before `now` (`90s`, `30m`,
 * `2h`, `7d`).
 */
export function parseTimeArg(text: string, now = Date.now()): number | undefined {
  const ago = /^(\d+)([smhd])$/.exec(text);
  if (ago) return now - Number(ago[1]) * (UNITS[ago[2] as string] as number);
  const iso = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d:?\d\d)?)?$/.exec(text);
  if (!iso) return undefined;
  const [, date, time, zone] = iso;
  const ms = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The value of `--since` / `--until`. */
export const timeValue: LogFlag['value'] = {
  expected: 'a time such as 2024-05-01, 2024-05-01T10:30:00Z (UTC when no zone is given) or 2h (that long ago: s, m, h, d)',
  parse: (text) => parseTimeArg(text),
};

/** Checks that every file can be read, before any is: throws a message naming the first that cannot, and why. */
export async function checkReadable(files: readonly string[]): Promise<void> {
  for (const file of files) {
    try {
      if ((await stat(file)).isDirectory()) throw new FileError(`cannot read '${file}': it is a directory`);
      await access(file, constants.R_OK);
    } catch (error) {
      if (error instanceof FileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new FileError(`cannot read '${file}': ${why}`);
    }
  }
}

/** A file that cannot be read: exit status 2, without the usage text. */
export class FileError extends Error {}
