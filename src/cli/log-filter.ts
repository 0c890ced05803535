import { eventFilter } from '../operations/event-filter';
import { parseTrackingLine } from '../operations/tracking-line';
import { timeValue, type LogArgs, type LogCommandSpec } from './log-args';
import { writeOut } from './log-output';
import { readFiles } from './log-read';

/** The usage text of `eventtracking log filter`. */
export const FILTER_USAGE = `usage: eventtracking log filter [options] FILE...

Writes the lines of the events that match every option given, as they are in the
files (plain JSON lines and Tutor's [tracking] lines alike). Rotated files are read
oldest first (tracking.log.2.gz, tracking.log.1, tracking.log), .gz ones
decompressed. Repeat an option to match any of its values.

  --name GLOB        the event's name or type matches GLOB: * any characters,
                     ? one, [abc] one of ('edx.course.enrollment.*')
  --user U           a username, or a user id (42 or #42)
  --course C         a course id, or a GLOB of them ('course-v1:edX+*')
  --source S         where the event came from: server, browser, mobile, task
  --since T          at or after T: 2024-05-01, 2024-05-01T10:30:00Z (UTC when
                     no zone is given), or 2h for two hours ago (s, m, h, d)
  --until T          before T (the same forms)
  -h, --help         this text

Lines that hold no event are skipped and counted on stderr.
Exit status: 0, or 2 on a usage error or a file that cannot be read.`;

/** What `filter` takes. */
export const FILTER_SPEC: LogCommandSpec = {
  command: 'filter',
  files: 'some',
  flags: [
    { name: '--name', value: { expected: 'a glob of event names', parse: (text) => text }, repeat: true },
    { name: '--user', value: { expected: 'a username or a user id', parse: (text) => text }, repeat: true },
    { name: '--course', value: { expected: 'a course id or a glob of them', parse: (text) => text }, repeat: true },
    { name: '--source', value: { expected: 'an event source such as server, browser, mobile or task', parse: (text) => text }, repeat: true },
    { name: '--since', value: timeValue },
    { name: '--until', value: timeValue },
  ],
};

/** Runs `filter`; resolves with the exit status. */
export async function runFilter(args: LogArgs, log: (line: string) => void): Promise<number> {
  const matches = eventFilter({
    names: args.all('--name'),
    users: args.all('--user'),
    courses: args.all('--course'),
    sources: args.all('--source'),
    since: args.one('--since'),
    until: args.one('--until'),
  });
  let skipped = 0;
  const where: string[] = [];
  const ok = await readFiles(
    args.files,
    (lines, file) => {
      const out: string[] = [];
      for (const line of lines) {
        const parsed = line.problem === undefined ? parseTrackingLine(line.text) : undefined;
        if (parsed === undefined) {
          if (++skipped <= 5) where.push(`${file}:${line.number}`);
        } else if (matches(parsed.event)) out.push(line.text);
      }
      return out.length > 0 ? writeOut(`${out.join('\n')}\n`) : undefined;
    },
    { log, command: 'filter' },
  );
  if (skipped > 0) log(`eventtracking log filter: skipped ${skipped} line${skipped > 1 ? 's' : ''} holding no event: ${where.join(', ')}${skipped > 5 ? ', ...' : ''}`);
  return ok ? 0 : 2;
}
