import { readFile, stat } from 'node:fs/promises';
import { parseTrackingLine } from '../operations/tracking-line';
import { transformToXapi, type XapiTransformOptions } from '../xapi/transform';
import { nameMatcher } from '../xapi/options';
import { fromTrackingLog } from '../xapi/tracking-log';
import { XapiBackend } from '../xapi/xapi-backend';
import { UsageError } from './consume';
import { FileError, wholeNumber, type LogArgs, type LogCommandSpec } from './log-args';
import { ProgressBar, writeOut } from './log-output';
import { readFiles } from './log-read';

/** The usage text of `eventtracking xapi replay`. */
export const REPLAY_USAGE = `usage: eventtracking xapi replay --lms-url URL (--lrs URL | --dry-run) [options] FILE...

Turns the events of tracking.log files into xAPI statements and sends them to a
learning record store, as Open edX's transform_tracking_logs does. Rotated files
are read oldest first, .gz ones decompressed. Statement ids come from the events,
so a second run stores nothing twice: the LRS answers that it holds them already.

  --lms-url URL        the LMS root URL of the statements' IRIs and actors (required)
  --lrs URL            the LRS's xAPI base URL; statements go to URL/statements
  --username U         Basic auth user; the password is read from the environment
                       variable EVENTTRACKING_LRS_PASSWORD
                       (Bearer auth: set EVENTTRACKING_LRS_TOKEN instead)
  --actor-map FILE     a JSON object from user ids to the learners' xAPI external
                       ids (default: the user id itself)
  --match PATTERN      replay only these event names (* any characters); repeatable
  --batch-size N       statements per POST (default: 100)
  --dead-letters FILE  append the statements the LRS rejects to FILE (JSON lines)
  --dry-run            write the statements to stdout as JSON lines, send nothing
  -h, --help           this text

A summary goes to stderr: sent (stored now, or held by the LRS already), skipped
(no statement for that event name, or no --match), failed (no actor id, a field
the statement needs missing or invalid, or rejected by the LRS). Exit status: 0;
1 when some failed; 2 on a usage error or a file that cannot be read.`;

const text = (expected: string) => ({ expected, parse: (value: string) => value });

/** What `replay` takes. */
export const REPLAY_SPEC: LogCommandSpec = {
  command: 'replay',
  files: 'some',
  flags: [
    { name: '--lms-url', value: text('a URL such as https://courses.example.com') },
    { name: '--lrs', value: text('a URL such as https://lrs.example.com/xAPI') },
    { name: '--username', value: text('a user name') },
    { name: '--actor-map', value: text('a JSON file') },
    { name: '--match', value: text('a pattern of event names'), repeat: true },
    { name: '--batch-size', value: wholeNumber(1) },
    { name: '--dead-letters', value: text('a file') },
    { name: '--dry-run' },
  ],
};

/** Counts of a replay. */
interface ReplayCounts {
  sent: number;
  alreadyStored: number;
  skipped: number;
  failed: number;
}

/** Runs `replay`; resolves with the exit status. */
export async function runReplay(args: LogArgs, log: (line: string) => void): Promise<number> {
  const lmsRootUrl = args.one<string>('--lms-url');
  const lrs = args.one<string>('--lrs');
  const dryRun = args.one<boolean>('--dry-run') === true;
  if (lmsRootUrl === undefined) throw new UsageError("give --lms-url: the LMS root URL, such as 'https://courses.example.com'");
  if (!dryRun && lrs === undefined) throw new UsageError('give --lrs URL (the LRS to send to), or --dry-run to write the statements instead');
  const actorId = await actorIdFrom(args.one<string>('--actor-map'));
  let total = 0;
  for (const file of args.files) total += (await stat(file)).size;
  const bar = ProgressBar.wanted(total) ? new ProgressBar(total) : undefined;
  const errors: string[] = [];
  const onError = (error: Error) => {
    bar?.clear();
    log(`eventtracking xapi replay: ${error.message}`);
    errors.push(error.message);
  };
  const match = args.all<string>('--match');
  const backend = dryRun
    ? undefined
    : new XapiBackend({
        url: lrs as string,
        lmsRootUrl,
        actorId,
        ...(match.length > 0 ? { match } : {}),
        ...credentials(args.one<string>('--username')),
        batchSize: args.one<number>('--batch-size') ?? 100,
        batchDelay: 0,
        reportInterval: 2000,
        ...(args.one<string>('--dead-letters') ? { deadLetterFile: args.one<string>('--dead-letters') } : {}),
        onError,
      });
  const counts: ReplayCounts = { sent: 0, alreadyStored: 0, skipped: 0, failed: 0 };
  const transformOptions: XapiTransformOptions = { lmsRootUrl, actorId };
  const matches = nameMatcher(match.length > 0 ? match : undefined);
  const ok = await readFiles(
    args.files,
    async (lines) => {
      for (const line of lines) {
        const logged = line.problem === undefined ? parseTrackingLine(line.text)?.event : undefined;
        // The line keeps the event's data in `event` (a browser event's as JSON text) and its time in `time`: read as the emitted event.
        const event = logged === undefined ? null : fromTrackingLog(logged);
        if (event === null) continue;
        if (backend) backend.send(event);
        else if (matches && !matches(String(event.event_type ?? event.name))) counts.skipped++;
        else await writeStatements(event, transformOptions, counts);
      }
      bar?.countLines(lines.length);
      // The backend holds at most one batch per line chunk: the files are read no faster than the LRS takes them.
      if (backend && backend.buffered >= 1000) await backend.flush();
    },
    { log, command: 'replay', onBytes: bar && ((bytes) => bar.advance(bytes)) },
  );
  if (backend) {
    await backend.flush();
    await backend.close();
    counts.sent = backend.stored + backend.alreadyStored;
    counts.alreadyStored = backend.alreadyStored;
    counts.skipped = backend.unsupported + backend.unmatched;
    counts.failed = backend.untransformable + backend.rejected + backend.undelivered + backend.dropped;
  }
  bar?.clear();
  const held = backend ? ` (${counts.alreadyStored.toLocaleString('en-US')} of them held by the LRS already)` : '';
  log(`${dryRun ? 'written' : 'sent'}: ${counts.sent.toLocaleString('en-US')}${held}, skipped as unsupported: ${counts.skipped.toLocaleString('en-US')}, failed: ${counts.failed.toLocaleString('en-US')}`);
  return !ok ? 2 : counts.failed > 0 ? 1 : 0;
}

/** `--dry-run`: each statement of `event` as one JSON line on stdout. */
async function writeStatements(event: Record<string, unknown>, options: XapiTransformOptions, counts: ReplayCounts): Promise<void> {
  let statements;
  try {
    statements = transformToXapi(event, options);
  } catch {
    counts.failed++;
    return;
  }
  if (statements === null) {
    counts.skipped++;
    return;
  }
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    counts.sent++;
    await writeOut(`${JSON.stringify(statement)}\n`);
  }
}

/** The auth options from `--username` and the environment. */
function credentials(username: string | undefined): { username?: string; password?: string; token?: string } {
  const { EVENTTRACKING_LRS_PASSWORD: password, EVENTTRACKING_LRS_TOKEN: token } = process.env;
  if (username !== undefined) return { username, password: password ?? '' };
  return token ? { token } : {};
}

/** The actor id of an event: the user id, through the `--actor-map` file when there is one. */
async function actorIdFrom(file: string | undefined): Promise<(event: unknown) => string | undefined> {
  const userIdOf = (event: unknown): string | undefined => {
    const id = (event as { context?: { user_id?: unknown } } | null)?.context?.user_id;
    return id === undefined || id === null || id === '' ? undefined : String(id);
  };
  if (file === undefined) return userIdOf;
  let map: unknown;
  try {
    map = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FileError(`cannot read the actor map '${file}': ${(error as Error).message}`);
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new FileError(`the actor map '${file}' must be a JSON object from user ids to external ids`);
  const ids = map as Record<string, unknown>;
  return (event) => {
    const userId = userIdOf(event);
    const id = userId === undefined ? undefined : ids[userId];
    return typeof id === 'string' && id !== '' ? id : undefined;
  };
}
