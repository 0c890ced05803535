import { once } from 'node:events';
import { eventCourseOf, eventSourceOf, eventTimeOf, eventTypeOf, eventUserOf, type LoggedEvent } from '../operations/tracking-line';

/**
 * Writes to stdout, waiting when the reader is slow (a pipe into `less`), so that
 * the output never piles up in memory. A reader that goes away (`| head`) ends the
 * process quietly, as it does for `grep`.
 */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** Ends the process with status 0 when stdout's reader has gone (EPIPE). */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/**
 * One event as a line for people: time (UTC), event type, user, course, source.
 * `2024-05-01T00:00:07.000Z  edx.course.enrollment.activated  alice  course-v1:edX+DemoX+Demo_2014  server`
 */
export function prettyEvent(event: LoggedEvent): string {
  const time = eventTimeOf(event);
  const when = Number.isNaN(time) ? String(event.time ?? event.timestamp ?? '-').padEnd(24) : new Date(time).toISOString();
  return [
    when,
    (eventTypeOf(event) ?? '-').padEnd(32),
    (eventUserOf(event) ?? '-').padEnd(10),
    (eventCourseOf(event) ?? '-').padEnd(30),
    eventSourceOf(event) ?? '-',
  ].join('  ');
}

/** A line that holds no event, for people: its start, marked. */
export function prettyNonEvent(text: string): string {
  return `! not an event: ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`;
}

/** Input this large (in bytes, all files) gets a progress bar, when stderr is a terminal. */
export const PROGRESS_THRESHOLD = 16 * 1024 * 1024;

/** A progress bar on stderr, redrawn at most 5 times a second, for a terminal only. */
export class ProgressBar {
  private done = 0;
  private lines = 0;
  private drawnAt = 0;
  private shown = false;
  private readonly startedAt = Date.now();

  constructor(
    /** The bytes to read. */
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Whether a bar is drawn for `total` bytes: on a terminal, for large inputs. */
  static wanted(total: number, stream: NodeJS.WriteStream = process.stderr): boolean {
    return stream.isTTY === true && total >= PROGRESS_THRESHOLD;
  }

  /** Counts `bytes` read and `lines` seen; redraws if it is time. */
  advance(bytes: number, lines = 0): void {
    this.done += bytes;
    this.lines += lines;
    const now = Date.now();
    if (now - this.drawnAt < 200) return;
    this.drawnAt = now;
    this.draw(now);
  }

  /** Counts lines without bytes. */
  countLines(lines: number): void {
    this.advance(0, lines);
  }

  /** Erases the bar. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(now: number): void {
    const share = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const seconds = Math.round((now - this.startedAt) / 1000);
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${this.lines.toLocaleString('en-US')} lines  ${seconds} s`);
    this.shown = true;
  }
}
