// `eventtracking xapi replay` as a child process: a rotated set of tracking.log files
// (.gz made with zlib) replayed into the local LRS over real HTTP, twice; and the lines
// our LoggerBackend writes, replayed into the statements XapiBackend sent for them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTracker, edxDefaults } from '../../src';
import { encodeJson } from '../../src/encoding/json';
import { tutorLinePrefix } from '../../src/encoding/tutor-line';
import { fromTrackingLog, startLocalLrs, transformToXapi, XAPI_EVENT_NAMES, type LocalLrs, type XapiStatement } from '../../src/xapi';
import { legacyEvent, legacyLine, removeTempDirs, START, tempDir } from './support/log-files';
import { runCli, stopClis } from './support/run-cli';

const LMS = 'https://courses.example.com';
let lrs: LocalLrs;

afterEach(async () => lrs?.close());
afterAll(async () => {
  await stopClis();
  removeTempDirs();
});

/**
 * The generator's types that have statements, but for its enrollments, renamed to names
 * with none: two real Open edX browser events event-routing-backends does not transform,
 * and a made-up one. (Its page views have none either.)
 */
const RENAMED: Readonly<Record<string, string>> = {
  play_video: 'seq_goto',
  'edx.ui.lms.link_clicked': 'textbook.pdf.page.navigated',
  'edx.grades.problem.submitted': 'edx.scratch.unsupported',
};

/** Line i of the generated log, its type renamed by {@link RENAMED}: every fifth an enrollment, the others without a statement. */
function replayLine(i: number, format: 'plain' | 'tutor'): string {
  const event = legacyEvent(i);
  const renamed = RENAMED[event.event_type as string];
  if (renamed === undefined) return legacyLine(i, format);
  const unsupported = { ...event, name: renamed, event_type: renamed };
  const json = encodeJson(unsupported);
  return format === 'tutor' ? tutorLinePrefix(unsupported, START + i * 1000, 4242) + json : json;
}

const userId = (event: unknown) => String((event as { context: { user_id: number } }).context.user_id);

/** 400 events in four files, oldest in .3.gz; every fifth an enrollment, the others without a statement. */
function rotatedSet(): { files: string[]; enrollmentIds: string[] } {
  const dir = tempDir();
  const text = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `${replayLine(from + k, (from + k) % 2 ? 'tutor' : 'plain')}\n`).join('');
  writeFileSync(join(dir, 'tracking.log.3.gz'), gzipSync(text(0, 100)));
  writeFileSync(join(dir, 'tracking.log.2.gz'), gzipSync(text(100, 200)));
  writeFileSync(join(dir, 'tracking.log.1'), text(200, 300));
  writeFileSync(join(dir, 'tracking.log'), text(300, 400));
  const enrollmentIds = Array.from({ length: 80 }, (_, k) => {
    const statement = transformToXapi(fromTrackingLog(legacyEvent(k * 5)), { lmsRootUrl: LMS, actorId: userId });
    return (statement as XapiStatement).id;
  });
  return { files: ['tracking.log', 'tracking.log.1', 'tracking.log.2.gz', 'tracking.log.3.gz'].map((name) => join(dir, name)), enrollmentIds };
}

const replayed = (statements: Iterable<Record<string, unknown>>) => [...statements].map((statement) => statement.id as string);

describe('eventtracking xapi replay', () => {
  it('sends the statements of a rotated set (.gz included), and a second run stores nothing again', async () => {
    for (const name of [...Object.values(RENAMED), legacyEvent(3).event_type]) expect(XAPI_EVENT_NAMES).not.toContain(name);
    const { files, enrollmentIds } = rotatedSet();
    lrs = await startLocalLrs({ username: 'lms', password: 'pw' });
    const args = ['xapi', 'replay', '--lrs', lrs.url, '--lms-url', LMS, '--username', 'lms', '--batch-size', '7', ...files];
    const env = { EVENTTRACKING_LRS_PASSWORD: 'pw' };
    const first = await runCli(args, { env });
    expect(first).toEqual({ code: 0, stdout: '', stderr: 'sent: 80 (0 of them held by the LRS already), skipped as unsupported: 320, failed: 0\n' });
    expect(replayed(lrs.statements.values()).sort()).toEqual([...enrollmentIds].sort()); // two batches may be in flight at once
    const postsBefore = lrs.counts.posts;

    const second = await runCli(args, { env });
    expect(second).toEqual({ code: 0, stdout: '', stderr: 'sent: 80 (80 of them held by the LRS already), skipped as unsupported: 320, failed: 0\n' });
    expect(lrs.counts.stored).toBe(80);
    expect(lrs.counts.posts - postsBefore).toBe(12); // ceil(80 / 7) batches, each answered "all held already"
    expect(lrs.counts.statuses[204]).toBe(12);
  }, 60000);

  it('writes the same statements as JSON lines with --dry-run, oldest file first, sending nothing', async () => {
    const { files, enrollmentIds } = rotatedSet();
    const run = await runCli(['xapi', 'replay', '--dry-run', '--lms-url', LMS, ...files]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('written: 80, skipped as unsupported: 320, failed: 0\n');
    expect(run.stdout.trim().split('\n').map((line) => JSON.parse(line).id)).toEqual(enrollmentIds);
    const matched = await runCli(['xapi', 'replay', '--dry-run', '--lms-url', LMS, '--match', 'edx.course.*.deactivated', ...files]);
    expect(matched).toEqual({ code: 0, stdout: '', stderr: 'written: 0, skipped as unsupported: 400, failed: 0\n' });
  }, 30000);

  it('isolates a statement the LRS rejects, dead-letters it, and exits 1', async () => {
    const { files, enrollmentIds } = rotatedSet();
    lrs = await startLocalLrs({ faults: { rejectIds: [enrollmentIds[10] as string], serverErrors: 0.2 } });
    const deadLetters = join(tempDir(), 'dead.jsonl');
    const run = await runCli(['xapi', 'replay', '--lrs', lrs.url, '--lms-url', LMS, '--dead-letters', deadLetters, ...files]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`statement ${enrollmentIds[10]} rejected by the LRS (400: statement ${enrollmentIds[10]} is invalid`);
    expect(run.stderr.trim().split('\n').at(-1)).toBe('sent: 79 (0 of them held by the LRS already), skipped as unsupported: 320, failed: 1');
    expect(lrs.statements.size).toBe(79);
    expect(JSON.parse(readFileSync(deadLetters, 'utf8')).statement.id).toBe(enrollmentIds[10]);
  }, 60000);

  it('replays the lines LoggerBackend wrote of a browser play_video and a server problem_check into the statements XapiBackend sent when they were emitted', async () => {
    lrs = await startLocalLrs();
    const log = join(tempDir(), 'tracking.log');
    const tracker = createTracker(edxDefaults({ trackingLog: log, xapi: { url: lrs.url, lmsRootUrl: LMS, batchDelay: 0 } }));
    for (const fixture of ['play_video', 'problem_check(server)']) {
      // Events as Open edX emits them, from event-routing-backends' fixtures (test/xapi/fixtures); the time is now.
      const { name, context, data } = JSON.parse(readFileSync(join(__dirname, '../xapi/fixtures/current', `${fixture}.json`), 'utf8'));
      tracker.context('edx.request', context, () => tracker.emit(name, data));
    }
    await tracker.close();
    const byId = (statements: Iterable<Record<string, unknown>>) => [...statements].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const emitted = byId(lrs.statements.values());
    expect(emitted.map((statement) => (statement.verb as { id: string }).id.split('/').pop()).sort()).toEqual(['evaluated', 'played']);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.event_type, typeof line.event])).toEqual([['play_video', 'string'], ['problem_check', 'object']]); // the browser event's data as JSON text

    const written = await runCli(['xapi', 'replay', '--dry-run', '--lms-url', LMS, log]);
    expect(written.stderr).toBe('written: 2, skipped as unsupported: 0, failed: 0\n');
    expect(byId(written.stdout.trim().split('\n').map((line) => JSON.parse(line)))).toEqual(emitted);
    const sent = await runCli(['xapi', 'replay', '--lrs', lrs.url, '--lms-url', LMS, log]);
    expect(sent).toEqual({ code: 0, stdout: '', stderr: 'sent: 2 (2 of them held by the LRS already), skipped as unsupported: 0, failed: 0\n' });
    expect(lrs.counts.stored).toBe(2);
  }, 30000);

  it('refuses a run without --lms-url, or without --lrs or --dry-run, with the usage', async () => {
    const { files } = rotatedSet();
    const noLms = await runCli(['xapi', 'replay', '--dry-run', ...files]);
    expect(noLms.code).toBe(2);
    expect(noLms.stderr).toMatch(/^eventtracking xapi replay: give --lms-url/);
    const noLrs = await runCli(['xapi', 'replay', '--lms-url', LMS, ...files]);
    expect(noLrs.stderr).toMatch(/^eventtracking xapi replay: give --lrs URL/);
    const misspelt = await runCli(['xapi', 'replay', '--lms-url', LMS, '--dryrun', ...files]);
    expect(misspelt.stderr).toMatch(/unknown option '--dryrun'; did you mean '--dry-run'\?/);
  }, 30000);
});
