import { statSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { explainPathProblem } from './path-problem';

/** Lines joined into one `write` call at most: bounds the memory a write takes. */
const LINES_PER_WRITE = 2048;
/** Bytes joined into one `write` call at most (a longer line still goes alone). */
const BYTES_PER_WRITE = 4 * 1024 * 1024;
/** How long a line may wait for others to share its write: under load, one write serves many requests. */
const BATCH_DELAY_MS = 10;

/** How much may wait for the disk before lines are dropped. */
export interface QueueLimits {
  /** The most lines waiting (the batch being written included). */
  maxLines: number;
  /** The most bytes of UTF-8 waiting (the batch being written included); a line alone in the queue is always taken. */
  maxBytes: number;
}

/** The limits of the default transport: 100,000 lines, 64 MiB. */
export const DEFAULT_QUEUE_LIMITS: Readonly<QueueLimits> = Object.freeze({ maxLines: 100_000, maxBytes: 64 * 1024 * 1024 });

/** The file a handle was opened on, as `stat` names it: `dev` and `ino`. */
interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

/**
 * Appends lines to a file in batches: lines written within 10 ms go to disk together
 * (in writes of up to 2048 lines or 4 MiB); `flush()` and `close()` write at once.
 * At most `maxLines` lines and `maxBytes` bytes wait for the disk; past either,
 * lines are dropped and counted, and the drop is reported once when it starts and
 * once, with the count, when the queue has room again.
 *
 * Before each batch the path is checked (one `stat`): when it no longer names the
 * open file (renamed or deleted by logrotate, replaced), the path is opened anew,
 * created if missing, as Python's `WatchedFileHandler` does. `reopen()` does the
 * same on demand (a `SIGHUP` from logrotate's `postrotate`). Appending (`O_APPEND`)
 * keeps `copytruncate` rotation working too.
 *
 * Write failures are reported the same way as drops: the first of a run at once,
 * with the number of lines lost, and the rest summed up in one report when a write
 * succeeds again or the sink is closed (a full disk costs two lines on stderr, not
 * one per batch). The file is reopened for the next batch, so a transient failure
 * (a full disk, a removed directory) does not stop later lines. A file that ends in
 * the middle of a line (a crash mid-write) gets a newline before the first new line.
 */
export class AppendFileSink {
  private handle: FileHandle | undefined;
  private opened: FileIdentity | undefined;
  private reopenRequested = false;
  /** The open in progress, shared by `ready()` and the writer. */
  private opening: Promise<void> | undefined;
  /** Whether the open file ends mid-line (a crash mid-write): the next batch starts with a newline. */
  private endsMidLine = false;
  private queue: string[] = [];
  /** The UTF-8 size of each line of `queue`. */
  private sizes: number[] = [];
  /** Bytes of the lines queued or being written. */
  private queuedBytes = 0;
  /** Lines being written. */
  private writingLines = 0;
  private draining: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private droppedSinceReport = 0;
  /** Lines handed to `write` so far. */
  received = 0;
  /** Lines known to be on disk. */
  written = 0;
  /** Lines dropped because the queue held `maxLines` lines or `maxBytes` bytes already. */
  dropped = 0;
  /** Lines a failed write did not put on disk. */
  lost = 0;
  /** How many times the path was checked against the open file: once per batch written. */
  pathChecks = 0;
  /** How many times the file was opened (the first time, after a rotation, after a failure, on `reopen()`). */
  opens = 0;
  /** Lines lost since the failure last reported, and the last error. */
  private lostSinceReport = 0;
  private lastFailure: Error | undefined;

  constructor(
    readonly filename: string,
    private readonly onError: (error: Error) => void,
    readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS,
  ) {}

  /** Queues one line (its newline included), or drops it when the queue is full. */
  write(line: string): void {
    this.received++;
    const bytes = Buffer.byteLength(line, 'utf8');
    if (!this.hasRoomFor(bytes)) {
      this.dropped++;
      if (this.droppedSinceReport++ === 0) {
        this.onError(
          new Error(
            `${this.queue.length + this.writingLines} lines (${this.queuedBytes} bytes) are waiting for ${this.filename}, ` +
              `the most allowed (${this.limits.maxLines} lines, ${this.limits.maxBytes} bytes); dropping lines until the disk catches up`,
          ),
        );
      }
      return;
    }
    this.queue.push(line);
    this.sizes.push(bytes);
    this.queuedBytes += bytes;
    if (!this.scheduled) {
      this.scheduled = true;
      // Not unref'd: a process that simply ends (a script that never calls close())
      // waits these few ms for its last lines rather than losing them.
      setTimeout(() => {
        this.scheduled = false;
        void this.drain();
      }, BATCH_DELAY_MS);
    }
  }

  /**
   * Opens the file now (creating it and its directory) and resolves when it can be
   * appended to; rejects with an error that names the path, the cause and the fix.
   */
  async ready(): Promise<void> {
    if (this.closed) throw new Error(`${this.filename} is closed`);
    if (!this.handle) await this.openFile();
  }

  /**
   * Closes the file after the batch being written; the next batch opens the path
   * anew. What logrotate's `postrotate` asks for with `SIGHUP`; the check before each
   * batch notices a rotation anyway, this only makes it immediate. Resolves when the
   * lines queued before it are written and the old file is closed.
   */
  async reopen(): Promise<void> {
    this.reopenRequested = true;
    await this.flush();
    // Not taken by a batch (nothing was waiting): close now, the next batch opens.
    if (this.reopenRequested) {
      this.reopenRequested = false;
      await this.discardHandle();
    }
  }

  /** Resolves when every line queued so far is written (or reported lost). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.draining) await this.drain();
  }

  /** Flushes, then closes the file. Later writes are reported lost. */
  async close(): Promise<void> {
    await this.flush();
    this.reportFailuresEnded('the file was closed');
    this.closed = true;
    await this.discardHandle();
  }

  private hasRoomFor(bytes: number): boolean {
    const waiting = this.queue.length + this.writingLines;
    if (waiting === 0) return true;
    return waiting < this.limits.maxLines && this.queuedBytes + bytes <= this.limits.maxBytes;
  }

  private drain(): Promise<void> {
    this.draining ??= this.writeQueued().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const { lines, bytes } = this.takeBatch();
      try {
        if (this.closed) throw new Error(`${this.filename} is closed`);
        await this.followPath();
        if (!this.handle) await this.openFile();
        // A line cut short by a crash must not swallow our first line: end it first.
        const prefix = this.endsMidLine ? '\n' : '';
        await this.handle!.appendFile(encodeLines(prefix, lines, bytes));
        this.endsMidLine = false;
        this.written += lines.length;
        this.reportFailuresEnded('writing works again');
      } catch (error) {
        await this.discardHandle();
        this.lost += lines.length;
        // A system error of the write (a full disk, a read-only remount) gets the same
        // explanation as one of the open (which comes explained already).
        const systemError = (error as NodeJS.ErrnoException).code !== undefined;
        this.noteFailure(systemError ? await explainPathProblem(this.filename, error as Error) : (error as Error), lines.length);
      } finally {
        this.writingLines = 0;
        this.queuedBytes -= bytes;
      }
      this.reportDropsEnded();
    }
  }

  /** Takes the next batch off the queue: up to LINES_PER_WRITE lines and BYTES_PER_WRITE bytes, at least one line. */
  private takeBatch(): { lines: string[]; bytes: number } {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < LINES_PER_WRITE && (count === 0 || bytes + this.sizes[count]! <= BYTES_PER_WRITE)) {
      bytes += this.sizes[count]!;
      count++;
    }
    const lines = count === this.queue.length ? this.queue : this.queue.slice(0, count);
    this.queue = lines === this.queue ? [] : this.queue.slice(count);
    this.sizes = this.sizes.length === count ? [] : this.sizes.slice(count);
    this.writingLines = count;
    return { lines, bytes };
  }

  /**
   * Drops the handle when the path no longer names its file: renamed or deleted
   * (the path is missing or another file), or a reopen was asked for.
   */
  private async followPath(): Promise<void> {
    const requested = this.reopenRequested;
    this.reopenRequested = false;
    if (!this.handle) return;
    if (requested) return this.discardHandle();
    this.pathChecks++;
    let current: FileIdentity | undefined;
    try {
      // Synchronous, so that the write is issued in the same turn: an asynchronous stat
      // leaves the event loop's backlog (milliseconds under load) between the check and
      // the write, for logrotate to rename and compress the file in.
      current = statSync(this.filename, { bigint: true, throwIfNoEntry: false });
    } catch {
      // A directory we may not search any more: keep writing to the file we have, the write will tell.
      return;
    }
    if (current === undefined || current.dev !== this.opened!.dev || current.ino !== this.opened!.ino) await this.discardHandle();
  }

  /** Opens the path for appending; an open already in progress is shared. */
  private openFile(): Promise<void> {
    this.opening ??= (async () => {
      try {
        const opened = await openForAppend(this.filename);
        this.opens++;
        this.handle = opened.handle;
        this.opened = opened.identity;
        this.endsMidLine = opened.endsMidLine;
      } catch (error) {
        throw await explainPathProblem(this.filename, error as Error);
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  private noteFailure(error: Error, count: number): void {
    if (this.lastFailure === undefined) {
      this.lastFailure = error;
      this.onError(new Error(`${count} line(s) not written to ${this.filename}: ${error.message}`, { cause: error }));
    } else {
      this.lastFailure = error;
      this.lostSinceReport += count;
    }
  }

  /** Ends a run of failed writes: sums up what was not reported yet. */
  private reportFailuresEnded(why: string): void {
    const failure = this.lastFailure;
    if (failure === undefined) return;
    const count = this.lostSinceReport;
    this.lastFailure = undefined;
    this.lostSinceReport = 0;
    if (count > 0) this.onError(new Error(`${count} more line(s) not written to ${this.filename} before ${why}: ${failure.message}`));
  }

  private reportDropsEnded(): void {
    if (this.droppedSinceReport === 0) return;
    if (this.queue.length >= this.limits.maxLines || this.queuedBytes >= this.limits.maxBytes) return;
    const count = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    this.onError(new Error(`${count} line(s) were dropped while ${this.filename} could not keep up`));
  }

  private async discardHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.opened = undefined;
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Opens `filename` for appending (creating it and its directory), and tells which
 * file it is and whether it ends in the middle of a line: not empty, and its last
 * byte not a newline.
 */
async function openForAppend(filename: string): Promise<{ handle: FileHandle; identity: FileIdentity; endsMidLine: boolean }> {
  await mkdir(dirname(filename), { recursive: true });
  const handle = await open(filename, 'a+');
  try {
    const { size, dev, ino } = await handle.stat({ bigint: true });
    const identity = { dev, ino };
    if (size === 0n) return { handle, identity, endsMidLine: false };
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(1), 0, 1, Number(size - 1n));
    return { handle, identity, endsMidLine: bytesRead === 1 && buffer[0] !== 0x0a };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/**
 * `prefix` (ASCII) and `lines` (`bytes` of UTF-8, as `Buffer.byteLength` counted
 * them) in one buffer of that size. Each line is encoded straight into it: joining
 * the lines first, then encoding the joined text, cost twice as much.
 */
function encodeLines(prefix: string, lines: readonly string[], bytes: number): Buffer {
  const buffer = Buffer.allocUnsafeSlow(prefix.length + bytes);
  let used = buffer.write(prefix, 0, 'latin1');
  for (const line of lines) used += buffer.write(line, used, 'utf8');
  return buffer.subarray(0, used);
}
