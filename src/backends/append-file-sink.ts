import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Lines joined into one `write` call at most: bounds the memory a write takes. */
const LINES_PER_WRITE = 2048;
/** How long a line may wait for others to share its write: under load, one write serves many requests. */
const BATCH_DELAY_MS = 10;

/**
 * Appends lines to a file in batches: lines written within 10 ms go to disk together
 * (in writes of up to 2048 lines); `flush()` and `close()` write at once. At most `maxQueued` lines wait
 * for the disk; past that, lines are dropped and counted, and the drop is reported
 * once when it starts and once, with the count, when the queue has room again.
 * Write failures are reported the same way: the first of a run at once, with the
 * number of lines lost, and the rest summed up in one report when a write succeeds
 * again or the sink is closed (a full disk costs two lines on stderr, not one per
 * batch). The file is reopened for the next batch, so a transient failure (a full
 * disk, a removed directory) does not stop later lines. A file that ends in the
 * middle of a line (a crash mid-write) gets a newline before the first new line.
 */
export class AppendFileSink {
  private handle: FileHandle | undefined;
  private queue: string[] = [];
  private draining: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private droppedSinceReport = 0;
  /** Lines handed to `write` so far. */
  received = 0;
  /** Lines known to be on disk. */
  written = 0;
  /** Lines dropped because `maxQueued` lines were already waiting. */
  dropped = 0;
  /** Lines a failed write did not put on disk. */
  lost = 0;
  /** Lines lost since the failure last reported, and the last error. */
  private lostSinceReport = 0;
  private lastFailure: Error | undefined;

  constructor(
    readonly filename: string,
    private readonly onError: (error: Error) => void,
    readonly maxQueued = 100_000,
  ) {}

  /** Queues one line (its newline included), or drops it when the queue is full. */
  write(line: string): void {
    this.received++;
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      if (this.droppedSinceReport++ === 0) {
        this.onError(new Error(`${this.maxQueued} lines are waiting for ${this.filename}; dropping lines until the disk catches up`));
      }
      return;
    }
    this.queue.push(line);
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

  /** Resolves when every line queued so far is written (or reported lost). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.draining) await this.drain();
  }

  /** Flushes, then closes the file. Later writes are reported lost. */
  async close(): Promise<void> {
    await this.flush();
    this.reportFailuresEnded('the file was closed');
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private drain(): Promise<void> {
    this.draining ??= this.writeQueued().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const lines = this.queue.length <= LINES_PER_WRITE ? this.queue : this.queue.slice(0, LINES_PER_WRITE);
      this.queue = lines === this.queue ? [] : this.queue.slice(LINES_PER_WRITE);
      try {
        if (this.closed) throw new Error(`${this.filename} is closed`);
        let prefix = '';
        if (!this.handle) {
          const opened = await openForAppend(this.filename);
          this.handle = opened.handle;
          // A line cut short by a crash must not swallow our first line: end it first.
          if (opened.endsMidLine) prefix = '\n';
        }
        await this.handle.appendFile(encodeLines(prefix, lines));
        this.written += lines.length;
        this.reportFailuresEnded('writing works again');
      } catch (error) {
        await this.discardHandle();
        this.lost += lines.length;
        if (this.lastFailure === undefined) {
          this.lastFailure = error as Error;
          this.onError(new Error(`${lines.length} line(s) not written to ${this.filename}: ${(error as Error).message}`));
        } else {
          this.lastFailure = error as Error;
          this.lostSinceReport += lines.length;
        }
      }
      this.reportDropsEnded();
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
    if (this.droppedSinceReport === 0 || this.queue.length >= this.maxQueued) return;
    const count = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    this.onError(new Error(`${count} line(s) were dropped while ${this.filename} could not keep up`));
  }

  private async discardHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Opens `filename` for appending (creating it and its directory) and tells whether
 * it ends in the middle of a line: not empty, and its last byte not a newline.
 */
async function openForAppend(filename: string): Promise<{ handle: FileHandle; endsMidLine: boolean }> {
  await mkdir(dirname(filename), { recursive: true });
  const handle = await open(filename, 'a+');
  try {
    const { size } = await handle.stat();
    if (size === 0) return { handle, endsMidLine: false };
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return { handle, endsMidLine: bytesRead === 1 && buffer[0] !== 0x0a };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/**
 * `prefix` and `lines` as UTF-8 in one buffer. Each line is encoded straight into it:
 * joining the lines first, then encoding the joined text, cost twice as much.
 */
function encodeLines(prefix: string, lines: readonly string[]): Buffer {
  let units = prefix.length;
  for (const line of lines) units += line.length;
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8 (a surrogate pair: 4 for 2).
  const buffer = Buffer.allocUnsafeSlow(units * 3);
  let used = buffer.write(prefix, 0, 'utf8');
  for (const line of lines) used += buffer.write(line, used, 'utf8');
  return buffer.subarray(0, used);
}
