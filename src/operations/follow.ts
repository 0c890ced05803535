import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineSplitter, type LogLine } from './lines';

/** How {@link LogFollower.follow} follows. */
export interface FollowOptions {
  /** Stops following. */
  signal: AbortSignal;
  /** Receives the lines added, in order (awaited: a slow reader slows the reading). */
  onLines(lines: LogLine[]): void | Promise<void>;
  /** Told when the file was replaced, truncated, has gone or came back. */
  onNotice(message: string): void;
  /** How often the file is looked at, in ms. Default: 250. */
  intervalMs?: number;
}

const CHUNK = 64 * 1024;
const MAX_LINE = 16 * 1024 * 1024;
/** `lastLines` reads back at most this much, whatever the number of lines asked for. */
const MAX_TAIL_BYTES = 64 * 1024 * 1024;

/**
 * A log file followed by its path, as `tail -F` does: when the path comes to name
 * another file (moved or deleted and created again, as logrotate's create mode does)
 * the rest of the old file is read and the new one is followed from its start; when
 * the file shrinks (copytruncate) it is read again from its start. A line added to a
 * copytruncated file between two looks and cut off by the truncation is not seen:
 * copytruncate's own window.
 */
export class LogFollower {
  private constructor(
    /** The path followed. */
    readonly path: string,
    private handle: FileHandle,
    private identity: { dev: number; ino: number },
    /** Where the next read starts. */
    private position: number,
  ) {}

  /** Opens `path` (rejecting when it cannot be read), positioned at its end. */
  static async open(path: string): Promise<LogFollower> {
    const handle = await open(path, 'r');
    const { dev, ino, size } = await handle.stat();
    return new LogFollower(path, handle, { dev, ino }, size);
  }

  /** Whether the file is gzip-compressed (a rotated log): its first bytes are gzip's magic number. */
  async isGzip(): Promise<boolean> {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await this.handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  }

  /** Closes the file (`follow` closes it when it stops). */
  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  /**
   * The last `count` complete lines of the file, read backwards from its end (the
   * file is not read whole); the next lines followed are those after them. A last
   * line without its newline yet (a write in progress) is left to `follow`.
   */
  async lastLines(count: number): Promise<LogLine[]> {
    const size = this.position;
    const parts: Buffer[] = [];
    let readStart = size;
    let end = -1; // just after the last newline: the end of the last complete line
    let start = -1; // where the first of the lines wanted starts
    let newlines = 0;
    while (readStart > 0 && start < 0 && size - readStart < MAX_TAIL_BYTES) {
      const length = Math.min(CHUNK, readStart);
      const chunk = Buffer.allocUnsafe(length);
      readStart -= length;
      await this.handle.read(chunk, 0, length, readStart);
      parts.unshift(chunk);
      for (let i = length - 1; i >= 0; i--) {
        if (chunk[i] !== 0x0a) continue;
        if (end < 0) end = readStart + i + 1;
        // The newline before the first line wanted is the (count + 1)th from the end.
        if (++newlines === count + 1) {
          start = readStart + i + 1;
          break;
        }
      }
    }
    if (end < 0) {
      // No complete line: one being written is followed from its start (a huge one is skipped).
      this.position = readStart === 0 ? 0 : size;
      return [];
    }
    this.position = end;
    const region = Buffer.concat(parts).subarray((start < 0 ? readStart : start) - readStart, end - readStart);
    const lines = new LineSplitter(MAX_LINE).push(region);
    // Stopped by MAX_TAIL_BYTES: the first line read is only the end of one.
    return start < 0 && readStart > 0 ? lines.slice(1) : lines;
  }

  /** Reads what is added to the file, across rotations, until `signal` aborts; then closes the file. */
  async follow(options: FollowOptions): Promise<void> {
    const { signal, onLines, onNotice } = options;
    let splitter = new LineSplitter(MAX_LINE);
    let gone = false;
    try {
      while (!signal.aborted) {
        await this.drain(splitter, onLines);
        const now = await stat(this.path).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
          throw error;
        });
        if (now === undefined) {
          if (!gone) onNotice(`${this.path} has gone; waiting for it to come back`);
          gone = true;
        } else if (now.dev !== this.identity.dev || now.ino !== this.identity.ino) {
          // Rotated: what the writer put in the old file before it moved on comes first.
          await this.drain(splitter, onLines);
          const rest = splitter.end();
          if (rest) await onLines([rest]);
          if (await this.reopen()) {
            splitter = new LineSplitter(MAX_LINE);
            onNotice(gone ? `${this.path} is back: following it from its start` : `${this.path} was replaced (rotated): following the new file from its start`);
            gone = false;
            continue;
          }
        } else if (now.size < this.position) {
          onNotice(`${this.path} was truncated: following it from its start`);
          this.position = 0;
          splitter = new LineSplitter(MAX_LINE);
          continue;
        }
        await sleep(options.intervalMs ?? 250, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      await this.handle.close().catch(() => undefined);
    }
  }

  /** Opens the file the path names now; false when it is gone again. */
  private async reopen(): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    const { dev, ino } = await handle.stat();
    await this.handle.close().catch(() => undefined);
    this.handle = handle;
    this.identity = { dev, ino };
    this.position = 0;
    return true;
  }

  /** Reads from the position to the end of the file, handing over every complete line. */
  private async drain(splitter: LineSplitter, onLines: FollowOptions['onLines']): Promise<void> {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      const lines = splitter.push(buffer.subarray(0, bytesRead));
      if (lines.length > 0) await onLines(lines);
    }
  }
}
