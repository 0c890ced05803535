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
 * Write failures are reported with the number of lines lost; the file is reopened
 * for the next batch, so a transient failure (a full disk, a removed directory) does
 * not stop later lines.
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
      setTimeout(() => {
        this.scheduled = false;
        void this.drain();
      }, BATCH_DELAY_MS).unref();
    }
  }

  /** Resolves when every line queued so far is written (or reported lost). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.draining) await this.drain();
  }

  /** Flushes, then closes the file. Later writes are reported lost. */
  async close(): Promise<void> {
    await this.flush();
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
        this.handle ??= await openForAppend(this.filename);
        await this.handle.appendFile(lines.join(''));
        this.written += lines.length;
      } catch (error) {
        await this.discardHandle();
        this.onError(new Error(`${lines.length} line(s) not written to ${this.filename}: ${(error as Error).message}`));
      }
      this.reportDropsEnded();
    }
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

async function openForAppend(filename: string): Promise<FileHandle> {
  await mkdir(dirname(filename), { recursive: true });
  return open(filename, 'a');
}
