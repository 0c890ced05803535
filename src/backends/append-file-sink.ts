import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Appends lines to a file in batches: lines written in one turn of the event loop
 * go to disk in one `write` call. Failures are passed to `onError` with the number
 * of lines lost; the file is reopened for the next batch, so a transient failure
 * (a full disk, a removed directory) does not stop later lines.
 */
export class AppendFileSink {
  private handle: FileHandle | undefined;
  private queue: string[] = [];
  private draining: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  /** Lines handed to `write` so far. */
  received = 0;
  /** Lines known to be on disk. */
  written = 0;

  constructor(
    readonly filename: string,
    private readonly onError: (error: Error, linesLost: number) => void,
  ) {}

  /** Queues one line (its newline included). */
  write(line: string): void {
    this.received++;
    this.queue.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
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
      const lines = this.queue;
      this.queue = [];
      try {
        if (this.closed) throw new Error(`${this.filename} is closed`);
        this.handle ??= await openForAppend(this.filename);
        await this.handle.appendFile(lines.join(''));
        this.written += lines.length;
      } catch (error) {
        await this.discardHandle();
        this.onError(error as Error, lines.length);
      }
    }
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
