import type winston = require('winston');
import TransportStream = require('winston-transport');
import { defineOptions, option, type OptionsOf } from '../core/options';
import { AppendFileSink, DEFAULT_QUEUE_LIMITS } from './append-file-sink';

/** The key under which winston formats put the finished line (triple-beam's `MESSAGE`). */
const MESSAGE = Symbol.for('message');

const trackingLogTransportOptions = defineOptions('TrackingLogTransport', {
  /** The file lines are appended to (created with its directory if missing). Default: `'./tracking.log'`. */
  filename: option.string({ nonEmpty: true }),
  /**
   * The most lines that may wait for the disk; further lines are dropped, counted
   * (`dropped`) and reported, so a disk slower than the events cannot exhaust memory.
   * Default: 100000.
   */
  maxQueuedLines: option.number({ min: 1, integer: true }),
  /**
   * The most bytes (of UTF-8) that may wait for the disk; further lines are dropped,
   * counted and reported like lines past `maxQueuedLines`, so that large events cannot
   * exhaust memory before the line count is reached. Default: 67108864 (64 MiB).
   */
  maxQueuedBytes: option.number({ min: 1, integer: true }),
  /** The most verbose winston level this transport writes (a winston transport option). Default: every message the logger passes on. */
  level: option.string({ nonEmpty: true }),
  /** A winston format applied by this transport alone (a winston transport option). Default: none, the logger's format only. */
  format: option.instance<winston.Logform.Format>(
    'a winston format (an object with transform())',
    (value) => typeof (value as { transform?: unknown } | null)?.transform === 'function',
  ),
  /** Writes nothing while true (a winston transport option). Default: `false`. */
  silent: option.boolean(),
});

/**
 * Options of {@link TrackingLogTransport}. Of winston's transport options it takes
 * `level`, `format` and `silent`; not `handleExceptions` or `handleRejections`, which
 * would write non-event lines into tracking.log.
 */
export type TrackingLogTransportOptions = OptionsOf<typeof trackingLogTransportOptions.fields>;

/**
 * A lean winston transport for `tracking.log`: each formatted message becomes one
 * line, appended in batches (one write per event-loop turn), at most
 * `maxQueuedLines` lines and `maxQueuedBytes` bytes waiting. Before each batch it checks
 * that the path still names the file it has open, and opens the path anew when
 * logrotate (or anyone) renamed, deleted or replaced it. Write failures and drops are emitted as `'error'` (which
 * winston passes on to the logger) and never lose later lines. `flush()` resolves when every line received is on disk.
 */
export class TrackingLogTransport extends TransportStream {
  private readonly sink: AppendFileSink;

  /** The options of a TrackingLogTransport. */
  static readonly options = trackingLogTransportOptions;

  constructor(given: TrackingLogTransportOptions = {}) {
    const options = trackingLogTransportOptions.check(given);
    super({ level: options.level, format: options.format, silent: options.silent });
    this.sink = new AppendFileSink(options.filename ?? './tracking.log', (error) => this.emit('error', error), {
      maxLines: options.maxQueuedLines ?? DEFAULT_QUEUE_LIMITS.maxLines,
      maxBytes: options.maxQueuedBytes ?? DEFAULT_QUEUE_LIMITS.maxBytes,
    });
  }

  /** The file written to. */
  get filename(): string {
    return this.sink.filename;
  }

  /** Lines received from winston so far. */
  get received(): number {
    return this.sink.received;
  }

  /** Lines a failed write did not put on disk. */
  get lost(): number {
    return this.sink.lost;
  }

  /** Lines dropped because `maxQueuedLines` lines or `maxQueuedBytes` bytes were already waiting for the disk. */
  get dropped(): number {
    return this.sink.dropped;
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.writeLine(String(info[MESSAGE] ?? info.message));
    next();
  }

  /** Appends one finished line (without its newline), as `log` does for a winston message. */
  writeLine(line: string): void {
    this.sink.write(`${line}\n`);
  }

  /**
   * Opens the file now (creating it and its directory); rejects with an error that
   * names the path, the cause and the fix when it cannot be appended to.
   */
  ready(): Promise<void> {
    return this.sink.ready();
  }

  /**
   * Writes what is queued, closes the file and opens the path anew for the next line:
   * call it on the `SIGHUP` logrotate's `postrotate` sends. (A rotation is noticed
   * before the next batch anyway; this makes the old file free at once.)
   */
  reopen(): Promise<void> {
    return this.sink.reopen();
  }

  /** Resolves when every line received so far is on disk (or reported lost). */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink.close().then(() => callback(), callback);
  }
}
