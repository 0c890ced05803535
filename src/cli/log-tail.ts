import { LogFollower } from '../operations/follow';
import { readLogLines, type LogLine } from '../operations/lines';
import { parseTrackingLine } from '../operations/tracking-line';
import { wholeNumber, type LogArgs, type LogCommandSpec } from './log-args';
import { prettyEvent, prettyNonEvent, writeOut } from './log-output';

/** The usage text of `eventtracking log tail`. */
export const TAIL_USAGE = `usage: eventtracking log tail [-f] [-n N] [--json] FILE

Prints the last events of FILE, one line each: time (UTC), event type, user,
course, source. Plain JSON lines and Tutor's [tracking] lines alike; a .gz file
is read whole (it cannot be followed).

  -f, --follow        keep printing events as they are written, across rotations:
                      when FILE is moved or deleted and created again, or truncated,
                      it is opened again by its name (as tail -F does)
  -n, --lines N       how many of the last lines to print first (default: 10)
  --json              print the lines as they are in the file
  --interval MS       with -f, how often FILE is looked at (default: 250)
  -h, --help          this text

Stops on SIGINT or SIGTERM. Exit status: 0, or 2 on a usage error or a file
that cannot be read.`;

/** What `tail` takes. */
export const TAIL_SPEC: LogCommandSpec = {
  command: 'tail',
  files: 'one',
  flags: [
    { name: '--follow', short: '-f' },
    { name: '--lines', short: '-n', value: wholeNumber(0) },
    { name: '--json' },
    { name: '--interval', value: wholeNumber(10) },
  ],
};

/** Runs `tail`; resolves with the exit status. */
export async function runTail(args: LogArgs, log: (line: string) => void): Promise<number> {
  const file = args.files[0] as string;
  const count = args.one<number>('--lines') ?? 10;
  const json = args.one<boolean>('--json') === true;
  const print = (lines: LogLine[]): Promise<void> => {
    // --json: the lines as they are; one that could not be decoded (not UTF-8, too long) has no text to print.
    const out = (json ? lines.filter((line) => line.problem === undefined) : lines).map((line) => {
      if (json) return line.text;
      const parsed = line.problem === undefined ? parseTrackingLine(line.text) : undefined;
      return parsed ? prettyEvent(parsed.event) : prettyNonEvent(line.problem ? `(${line.problem}, ${line.bytes} bytes)` : line.text);
    });
    return out.length > 0 ? writeOut(`${out.join('\n')}\n`) : Promise.resolve();
  };
  const follower = await LogFollower.open(file);
  if (await follower.isGzip()) {
    await follower.close();
    if (args.one('--follow')) {
      log(`eventtracking log tail: cannot follow '${file}': it is a gzip file (a rotated log); leave out -f to print its last lines`);
      return 2;
    }
    await print(await lastLinesOfStream(file, count));
    return 0;
  }
  await print(await follower.lastLines(count));
  if (!args.one('--follow')) {
    await follower.close();
    return 0;
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await follower.follow({
    signal: stop.signal,
    intervalMs: args.one<number>('--interval'),
    onLines: print,
    onNotice: (message) => log(`eventtracking log tail: ${message}`),
  });
  return 0;
}

/** The last `count` lines of a file read from its start (a gzip file), keeping only those. */
async function lastLinesOfStream(file: string, count: number): Promise<LogLine[]> {
  let last: LogLine[] = [];
  for await (const lines of readLogLines(file)) {
    const complete = lines.filter((line) => line.complete);
    last = complete.length >= count ? complete.slice(complete.length - count) : [...last, ...complete].slice(-count);
  }
  return count === 0 ? [] : last;
}
