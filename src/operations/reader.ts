import { defineOptions, option, type OptionsOf } from '../core/options';
import { readLogLines } from './lines';
import { parseTrackingLine } from './tracking-line';

/** Why a line of tracking.log was skipped. */
export type SkippedLineReason =
  /** The last line has no newline and does not parse: a write cut short (a crash) or still in progress. */
  | 'partial'
  /** A complete line that is not JSON, not valid UTF-8, or not one event object. */
  | 'invalid'
  /** A line longer than `maxLineLength`. */
  | 'too-long';

/** A line {@link readTrackingLog} skipped. */
export interface SkippedLine {
  reason: SkippedLineReason;
  /** Its 1-based line number. */
  lineNumber: number;
  /** Its length in bytes (without the newline). */
  bytes: number;
  /** The file. */
  path: string;
}

/** Counters of one read of a tracking.log file. */
export interface TrackingLogReadStats {
  /** Events yielded. */
  events: number;
  /** Lines seen, complete or not (an empty file has none). */
  lines: number;
  /** 1 when the last line was cut short and skipped, else 0. */
  partial: number;
  /** Complete lines skipped: not JSON, not valid UTF-8, not an object, or too long. */
  invalid: number;
}

const readTrackingLogOptions = defineOptions('readTrackingLog', {
  /**
   * Receives each skipped line. Default: one line on stderr per skipped line, naming
   * the file, the line number and the reason.
   */
  onSkip: option.function<(skipped: SkippedLine) => void>(),
  /** Lines longer than this many bytes are skipped as `'too-long'` without being held in memory. Default: 16 MiB. */
  maxLineLength: option.number({ min: 1, integer: true }),
});

/** Options of {@link readTrackingLog}. */
export type ReadTrackingLogOptions = OptionsOf<typeof readTrackingLogOptions.fields>;

/** An async iterable of the events of a tracking.log file; `stats` is final once the iteration ends. */
export interface TrackingLogReader extends AsyncIterable<Record<string, unknown>> {
  readonly stats: Readonly<TrackingLogReadStats>;
}

/**
 * Reads a tracking.log (one JSON event per line, as `LoggerBackend` writes it) and
 * yields each event as a parsed object, streaming (the file is never held whole).
 * A line may carry Tutor's logging prefix (`lineFormat: 'tutor'`, or a tracking.log of
 * Tutor's LMS): its JSON part is the event. A gzip file (a rotated `tracking.log.2.gz`)
 * is decompressed as it is read.
 *
 * It tolerates what a crash leaves: a last line without its newline (the process
 * died mid-write) is skipped when it does not parse, and counted in `stats.partial`
 * (a last line that parses is a whole event that only lacks its newline, and is
 * yielded). A complete line that is not one JSON object (a partial line a restarted
 * writer appended to, a foreign line) is skipped and counted in `stats.invalid`.
 * Every skip goes to `onSkip`. A file that cannot be read rejects the iteration. An
 * unknown option or a wrong type throws an `OptionsError` at the call.
 *
 * @example
 * const log = readTrackingLog('/var/log/tracking.log');
 * for await (const event of log) count(event.event_type);
 * console.log(log.stats); // { events, lines, partial, invalid }
 */
export function readTrackingLog(path: string, given: ReadTrackingLogOptions = {}): TrackingLogReader {
  const options = readTrackingLogOptions.check(given);
  const onSkip = options.onSkip ?? reportSkip;
  const stats: TrackingLogReadStats = { events: 0, lines: 0, partial: 0, invalid: 0 };

  async function* events(): AsyncGenerator<Record<string, unknown>> {
    for await (const lines of readLogLines(path, { maxLineLength: options.maxLineLength })) {
      for (const line of lines) {
        stats.lines++;
        const event = line.problem === undefined ? parseTrackingLine(line.text)?.event : undefined;
        if (event !== undefined) {
          stats.events++;
          yield event;
          continue;
        }
        const reason: SkippedLineReason = !line.complete ? 'partial' : line.problem === 'too-long' ? 'too-long' : 'invalid';
        if (reason === 'partial') stats.partial++;
        else stats.invalid++;
        try {
          onSkip({ reason, lineNumber: line.number, bytes: line.bytes ?? Buffer.byteLength(line.text), path });
        } catch {
          // onSkip must not stop the read.
        }
      }
    }
  }

  return {
    stats,
    [Symbol.asyncIterator]: () => events(),
  };
}

function reportSkip(skipped: SkippedLine): void {
  const what =
    skipped.reason === 'partial'
      ? 'its last line is cut short (a crash mid-write, or a write in progress)'
      : skipped.reason === 'too-long'
        ? `line ${skipped.lineNumber} is longer than maxLineLength (${skipped.bytes} bytes)`
        : `line ${skipped.lineNumber} is not one JSON event`;
  console.error(`eventtracking: readTrackingLog skipped a line of ${skipped.path}: ${what}`);
}
