import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** One line of a log file, without its newline. */
export interface LogLine {
  /** Its 1-based line number. */
  number: number;
  /** Its text; `''` when it has a `problem`. */
  text: string;
  /** False for a last line without its newline. */
  complete: boolean;
  /** Set when the line was not decoded: longer than `maxLineLength`, or not valid UTF-8. */
  problem?: 'too-long' | 'not-utf8';
  /** Its length in bytes, given with a `problem` (otherwise `Buffer.byteLength(text)`). */
  bytes?: number;
}

/** How {@link readLogLines} reads. */
export interface ReadLogLinesOptions {
  /** Longer lines come as `problem: 'too-long'`, without being held. Default: 16 MiB. */
  maxLineLength?: number;
  /** Told of each chunk read from the file, in bytes (compressed bytes for a gzip file). */
  onBytes?: (bytes: number) => void;
}

const NEWLINE = 0x0a;
/** Bytes read at a time: large, few reads. */
const CHUNK = 1024 * 1024;
/** Bytes decoded at a time: a larger string would go to V8's large-object space, several times slower to make. */
const WINDOW = 64 * 1024;

/**
 * The lines of a file, in batches (one per chunk read), streaming: the file is never
 * held whole, and a line longer than `maxLineLength` is skipped without being held. A
 * gzip file (found by its magic bytes, whatever its name: `tracking.log.2.gz`) is
 * decompressed as it is read. The file is opened at the first step of the iteration,
 * which rejects if it cannot be.
 */
export async function* readLogLines(path: string, options: ReadLogLinesOptions = {}): AsyncGenerator<LogLine[]> {
  const maxLineLength = options.maxLineLength ?? 16 * 1024 * 1024;
  const file = await open(path, 'r');
  let stream: Readable;
  let gzip = false;
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await file.read(magic, 0, 2, 0);
    const raw = file.createReadStream({ start: 0, highWaterMark: CHUNK });
    gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    stream = raw;
    if (gzip) {
      const gunzip = createGunzip({ chunkSize: CHUNK });
      // Piped, the file stream flows: its chunks are counted as they go by.
      if (options.onBytes) raw.on('data', (chunk: string | Buffer) => options.onBytes!(chunk.length));
      raw.on('error', (error) => gunzip.destroy(error));
      stream = raw.pipe(gunzip);
    }
  } catch (error) {
    await file.close();
    throw error;
  }
  const splitter = new LineSplitter(maxLineLength);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!gzip) options.onBytes?.(chunk.length);
      const lines = splitter.push(chunk);
      if (lines.length > 0) yield lines;
    }
    const last = splitter.end();
    if (last) yield [last];
  } finally {
    stream.destroy();
    await file.close().catch(() => undefined);
  }
}

/** Cuts chunks of bytes into lines, keeping the start of a line that continues in the next chunk. */
export class LineSplitter {
  private number = 0;
  /** The bytes of the line begun in earlier chunks. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private tooLong = false;

  /** `maxLineLength`: longer lines come as `problem: 'too-long'`, without being held. */
  constructor(private readonly maxLineLength: number) {}

  /** The lines a chunk ends; the start of the next line is kept for the next chunk. */
  push(chunk: Buffer): LogLine[] {
    const lines: LogLine[] = [];
    for (let start = 0; start < chunk.length; start += WINDOW) this.pushWindow(chunk.subarray(start, Math.min(chunk.length, start + WINDOW)), lines);
    return lines;
  }

  private pushWindow(chunk: Buffer, lines: LogLine[]): void {
    const first = chunk.indexOf(NEWLINE);
    if (first < 0) {
      this.take(chunk);
      return;
    }
    this.take(chunk.subarray(0, first));
    lines.push(this.finish(true));
    const last = chunk.lastIndexOf(NEWLINE);
    if (last > first) this.whole(chunk.subarray(first + 1, last), lines);
    if (last + 1 < chunk.length) this.take(chunk.subarray(last + 1));
  }

  /** The last line, when the file does not end with a newline. */
  end(): LogLine | undefined {
    return this.pendingBytes > 0 || this.tooLong ? this.finish(false) : undefined;
  }

  /** Complete lines, newlines between them: decoded at once when they are valid UTF-8 (the usual case). */
  private whole(region: Buffer, lines: LogLine[]): void {
    if (isUtf8(region)) {
      for (const text of region.toString('utf8').split('\n')) {
        this.number++;
        // A line of n UTF-16 units has at most 3n bytes: only long lines are measured.
        const bytes = text.length * 3 > this.maxLineLength ? Buffer.byteLength(text) : 0;
        lines.push(bytes > this.maxLineLength ? { number: this.number, text: '', complete: true, problem: 'too-long', bytes } : { number: this.number, text, complete: true });
      }
      return;
    }
    let start = 0;
    for (let end = region.indexOf(NEWLINE); ; end = region.indexOf(NEWLINE, start)) {
      this.take(region.subarray(start, end < 0 ? region.length : end));
      lines.push(this.finish(true));
      if (end < 0) return;
      start = end + 1;
    }
  }

  private take(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.tooLong) return;
    if (this.pendingBytes > this.maxLineLength) {
      this.tooLong = true;
      this.pending = [];
      return;
    }
    // Copy: the stream may reuse its buffer before the line ends.
    if (part.length > 0) this.pending.push(Buffer.from(part));
  }

  private finish(complete: boolean): LogLine {
    this.number++;
    const bytes = this.pendingBytes;
    const tooLong = this.tooLong;
    const line = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, bytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.tooLong = false;
    if (tooLong) return { number: this.number, text: '', complete, problem: 'too-long', bytes };
    if (!isUtf8(line)) return { number: this.number, text: '', complete, problem: 'not-utf8', bytes };
    return { number: this.number, text: line.toString('utf8'), complete };
  }
}
