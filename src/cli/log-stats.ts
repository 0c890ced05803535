import { stat } from 'node:fs/promises';
import { LogStats, type LogStatsSummary } from '../operations/log-stats';
import { parseTrackingLine } from '../operations/tracking-line';
import { wholeNumber, type LogArgs, type LogCommandSpec } from './log-args';
import { ProgressBar, writeOut } from './log-output';
import { readFiles } from './log-read';

/** The usage text of `eventtracking log stats`. */
export const STATS_USAGE = `usage: eventtracking log stats [--top N] [--json] FILE...

Counts the events of the FILEs by event type, source, course and user, and gives
their time range. Rotated files are read oldest first, .gz ones decompressed;
plain JSON lines and Tutor's [tracking] lines alike. A progress bar goes to
stderr when it is a terminal and the files are large.

  --top N         how many of the most frequent values of each kind (default: 10)
  --json          print the counts as one JSON object
  -h, --help      this text

Exit status: 0, or 2 on a usage error or a file that cannot be read.`;

/** What `stats` takes. */
export const STATS_SPEC: LogCommandSpec = {
  command: 'stats',
  files: 'some',
  flags: [{ name: '--top', value: wholeNumber(1) }, { name: '--json' }],
};

/** Runs `stats`; resolves with the exit status. */
export async function runStats(args: LogArgs, log: (line: string) => void): Promise<number> {
  const top = args.one<number>('--top') ?? 10;
  const stats = new LogStats();
  let total = 0;
  for (const file of args.files) total += (await stat(file)).size;
  const bar = ProgressBar.wanted(total) ? new ProgressBar(total) : undefined;
  const ok = await readFiles(
    args.files,
    (lines) => {
      stats.lines += lines.length;
      for (const line of lines) {
        const parsed = line.problem === undefined ? parseTrackingLine(line.text) : undefined;
        if (parsed) stats.add(parsed.event);
        else stats.skipped++;
      }
      bar?.countLines(lines.length);
    },
    { log, command: 'stats', onBytes: bar && ((bytes) => bar.advance(bytes)) },
  );
  bar?.clear();
  const summary = stats.summary(top);
  await writeOut(args.one('--json') ? `${JSON.stringify(summary, null, 2)}\n` : formatStats(summary, args.files));
  return ok ? 0 : 2;
}

const number = (n: number): string => n.toLocaleString('en-US');

/** The counts as text for people. */
export function formatStats(summary: LogStatsSummary, files: readonly string[]): string {
  const out = [
    `${files.join(', ')}: ${number(summary.lines)} lines, ${number(summary.events)} events, ${number(summary.skipped)} skipped (not events)`,
    `time range: ${summary.first ?? '-'} .. ${summary.last ?? '-'}`,
  ];
  const section = (title: string, rows: Array<[string, number]>, distinct: number): void => {
    out.push('', `${title} (${rows.length < distinct ? `top ${rows.length} of ${number(distinct)}` : number(distinct)}):`);
    const width = Math.max(...rows.map(([, n]) => number(n).length), 1);
    for (const [value, n] of rows) out.push(`  ${number(n).padStart(width)}  ${value}`);
  };
  section('event types', summary.eventTypes, summary.distinct.eventTypes);
  section('sources', summary.sources, summary.distinct.sources);
  section('courses', summary.courses, summary.distinct.courses);
  section('users', summary.users, summary.distinct.users);
  return `${out.join('\n')}\n`;
}
