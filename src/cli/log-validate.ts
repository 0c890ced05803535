import { checkTrackingLine } from '../operations/line-check';
import { orderRotatedFiles } from '../operations/log-files';
import { wholeNumber, type LogArgs, type LogCommandSpec } from './log-args';
import { writeOut } from './log-output';
import { readFiles } from './log-read';

/** The usage text of `eventtracking log validate`. */
export const VALIDATE_USAGE = `usage: eventtracking log validate [options] FILE...

Checks every line of each FILE (plain JSON lines and Tutor's [tracking] lines;
.gz files decompressed). A line is invalid when it is not one JSON object, lacks
a legacy field (name, context, username, session, ip, agent, host, referer,
accept_language, event, time, event_type, event_source, page), has a time that is
not a date, or is longer than the max event size. An event name that is not in
namespace.object.action form is a warning: Open edX's own legacy names
(play_video) and page events (a URL path) are not.

Prints, for each FILE, its counts and the first problems with their line numbers.

  --max-event-size N  the longest event, in characters (default: 50000, as
                      LoggerBackend and Open edX's TRACK_MAX_EVENT)
  --show N            how many errors, and how many warnings, to list per file
                      (default: 10)
  -h, --help          this text

Exit status: 0 when every line is valid (warnings or not), 1 when a line is
invalid, 2 on a usage error or a file that cannot be read.`;

/** What `validate` takes. */
export const VALIDATE_SPEC: LogCommandSpec = {
  command: 'validate',
  files: 'some',
  flags: [
    { name: '--max-event-size', value: wholeNumber(1) },
    { name: '--show', value: wholeNumber(0) },
  ],
};

/** The counts and first problems of one file. */
class FileReport {
  lines = 0;
  invalid = 0;
  warned = 0;
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  /** Event names not in dotted form, with their counts. */
  readonly names = new Map<string, number>();

  constructor(readonly file: string) {}

  /** Counts a name not in dotted form; past 1000 different ones (page paths), the others are counted together. */
  countName(name: string): void {
    const key = this.names.has(name) || this.names.size < 1000 ? name : '(other names)';
    this.names.set(key, (this.names.get(key) ?? 0) + 1);
  }

  format(show: number): string {
    const out = [`${this.file}: ${this.lines} lines, ${this.lines - this.invalid} valid, ${this.invalid} invalid, ${this.warned} with warnings`];
    out.push(...this.errors.slice(0, show), ...this.warnings.slice(0, show));
    const hidden = Math.max(0, this.invalid - show) + Math.max(0, this.warned - show);
    if (hidden > 0) out.push(`  (${hidden} more not listed)`);
    if (this.names.size > 0) {
      const names = [...this.names].sort((a, b) => b[1] - a[1]).slice(0, 5);
      out.push(`  names not in namespace.object.action form: ${names.map(([name, n]) => `${name} (${n})`).join(', ')}${this.names.size > 5 ? ', ...' : ''}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/** Runs `validate`; resolves with the exit status. */
export async function runValidate(args: LogArgs, log: (line: string) => void): Promise<number> {
  const maxEventSize = args.one<number>('--max-event-size') ?? 50000;
  const show = args.one<number>('--show') ?? 10;
  const reports = new Map<string, FileReport>(orderRotatedFiles(args.files).map((file) => [file, new FileReport(file)]));
  const ok = await readFiles(
    args.files,
    (lines, file) => {
      const report = reports.get(file) as FileReport;
      for (const line of lines) {
        report.lines++;
        const verdict = checkTrackingLine(line, maxEventSize);
        if (verdict.errors.length > 0 && ++report.invalid <= show) report.errors.push(`  line ${line.number}: error: ${verdict.errors.join('; ')}`);
        if (verdict.warnings.length > 0) {
          if (++report.warned <= show) report.warnings.push(`  line ${line.number}: warning: ${verdict.warnings.join('; ')}`);
          report.countName(String(verdict.event?.name ?? verdict.event?.event_type ?? null));
        }
      }
    },
    { log, command: 'validate', onFileDone: (file) => writeOut((reports.get(file) as FileReport).format(show)) },
  );
  const all = [...reports.values()];
  if (all.length > 1) {
    const count = (key: 'lines' | 'invalid' | 'warned'): number => all.reduce((sum, report) => sum + report[key], 0);
    await writeOut(`total: ${all.length} files, ${count('lines')} lines, ${count('lines') - count('invalid')} valid, ${count('invalid')} invalid, ${count('warned')} with warnings\n`);
  }
  return !ok ? 2 : all.some((report) => report.invalid > 0) ? 1 : 0;
}
