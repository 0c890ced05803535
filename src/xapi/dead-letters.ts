import { appendFile } from 'node:fs/promises';
import { toError } from '../core/errors';

/** Why a statement went to the dead-letter file. */
export interface DeadLetter {
  /** `'rejected'` (the LRS answered 400 or 413 for it alone) or `'undelivered'` (still held when `close()` gave up). */
  reason: 'rejected' | 'undelivered';
  /** What the LRS said, or why it was not delivered. */
  detail: string;
  /** The statement, as the JSON text that was sent. */
  statement: string;
}

/**
 * A JSON-lines file of the statements that could not be delivered, one
 * `{"time", "reason", "detail", "statement"}` object a line, to look into and send
 * again. Appends are queued and written in order, several lines per write; a failing
 * write is reported through `onWriteError`.
 */
export class DeadLetterFile {
  /** Lines written. */
  written = 0;
  private queued: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    /** The file. */
    readonly path: string,
    private readonly onWriteError: (error: Error, lines: number) => void,
  ) {}

  /** Queues one dead letter; it is written soon (see {@link DeadLetterFile.flush}). */
  add(letter: DeadLetter): void {
    const head = JSON.stringify({ time: new Date().toISOString(), reason: letter.reason, detail: letter.detail });
    this.queued.push(`${head.slice(0, -1)},"statement":${letter.statement}}\n`);
    if (this.queued.length === 1) this.writing = this.writing.then(() => this.writeQueued());
  }

  /** Resolves once every dead letter added so far is written (or its write has failed and been reported). */
  flush(): Promise<void> {
    return this.writing;
  }

  private async writeQueued(): Promise<void> {
    const lines = this.queued;
    this.queued = [];
    try {
      await appendFile(this.path, lines.join(''));
      this.written += lines.length;
    } catch (error) {
      this.onWriteError(toError(error), lines.length);
    }
  }
}
