import { createReadStream } from 'node:fs';
import { defineOptions, option, type OptionsOf } from '../core/options';

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

const NEWLINE = 0x0a;

/**
 * Reads a tracking.log (one JSON event per line, as `LoggerBackend` writes it) and
 * yields each event as a parsed object, streaming (the file is never held whole).
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
  const maxLineLength = options.maxLineLength ?? 16 * 1024 * 1024;
  const onSkip = options.onSkip ?? reportSkip;
  const stats: TrackingLogReadStats = { events: 0, lines: 0, partial: 0, invalid: 0 };

  async function* events(): AsyncGenerator<Record<string, unknown>> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let tooLong = false;
    const skip = (reason: SkippedLineReason, bytes: number): void => {
      if (reason === 'partial') stats.partial++;
      else stats.invalid++;
      try {
        onSkip({ reason, lineNumber: stats.lines, bytes, path });
      } catch {
        // onSkip must not stop the read.
      }
    };
    const finishLine = (complete: boolean): Record<string, unknown> | undefined => {
      stats.lines++;
      const bytes = pendingBytes;
      const line = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      const wasTooLong = tooLong;
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      if (wasTooLong) {
        skip(complete ? 'too-long' : 'partial', bytes);
        return undefined;
      }
      const event = parseEvent(line);
      if (event === undefined) skip(complete ? 'invalid' : 'partial', bytes);
      return event;
    };
    const stream = createReadStream(path);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
        take(chunk.subarray(start, end));
        start = end + 1;
        const event = finishLine(true);
        if (event !== undefined) {
          stats.events++;
          yield event;
        }
      }
      if (start < chunk.length) take(chunk.subarray(start));
    }
    if (pendingBytes > 0 || tooLong) {
      const event = finishLine(false);
      if (event !== undefined) {
        stats.events++;
        yield event;
      }
    }

    function take(part: Buffer): void {
      pendingBytes += part.length;
      if (tooLong) return;
      if (pendingBytes > maxLineLength) {
        tooLong = true;
        pending = [];
        return;
      }
      // Copy: the stream may reuse its buffer.
      pending.push(Buffer.from(part));
    }
  }

  return {
    stats,
    [Symbol.asyncIterator]: () => events(),
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The event of one line, or undefined when the line is not valid UTF-8 JSON holding one object. */
function parseEvent(line: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(line));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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
