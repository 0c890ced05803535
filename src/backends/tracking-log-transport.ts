import TransportStream = require('winston-transport');
import { AppendFileSink } from './append-file-sink';

/** The key under which winston formats put the finished line (triple-beam's `MESSAGE`). */
const MESSAGE = Symbol.for('message');

/** Options of {@link TrackingLogTransport}. */
export interface TrackingLogTransportOptions extends TransportStream.TransportStreamOptions {
  /** The file lines are appended to (created with its directory if missing). Default: `'./tracking.log'`. */
  filename?: string;
  /**
   * The most lines that may wait for the disk; further lines are dropped, counted
   * (`dropped`) and reported, so a disk slower than the events cannot exhaust memory.
   * Default: 100000.
   */
  maxQueuedLines?: number;
}

/**
 * A lean winston transport for `tracking.log`: each formatted message becomes one
 * line, appended in batches (one write per event-loop turn), at most
 * `maxQueuedLines` waiting. Write failures and drops are emitted as `'error'` (which
 * winston passes on to the logger) and never lose later lines. `flush()` resolves when every line received is on disk.
 */
export class TrackingLogTransport extends TransportStream {
  private readonly sink: AppendFileSink;

  constructor(options: TrackingLogTransportOptions = {}) {
    super(options);
    const maxQueued = options.maxQueuedLines ?? 100_000;
    if (!(Number.isInteger(maxQueued) && maxQueued > 0)) {
      throw new TypeError(`TrackingLogTransport: maxQueuedLines must be a positive integer, got ${String(maxQueued)}`);
    }
    this.sink = new AppendFileSink(options.filename ?? './tracking.log', (error) => this.emit('error', error), maxQueued);
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

  /** Lines dropped because `maxQueuedLines` lines were already waiting for the disk. */
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

  /** Resolves when every line received so far is on disk (or reported lost). */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink.close().then(() => callback(), callback);
  }
}
