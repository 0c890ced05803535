// `eventtracking log stats` and `tail` (without -f) run as child processes on real
// files; the progress bar is drawn on a real terminal (python3's pty module gives one).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { legacyLine, removeTempDirs, tempDir, writeLog } from './support/log-files';
import { cliScript, runCli, stopClis } from './support/run-cli';

afterAll(async () => {
  await stopClis();
  removeTempDirs();
});

const text = (list: string[]) => list.map((line) => `${line}\n`).join('');

describe('eventtracking log stats', () => {
  it('counts events by type, source, course and user across rotated files, and gives the time range', async () => {
    const dir = tempDir();
    const events = Array.from({ length: 600 }, (_, i) => legacyLine(i, i % 3 ? 'plain' : 'tutor', 25));
    writeFileSync(join(dir, 'tracking.log.1.gz'), gzipSync(text(events.slice(0, 300))));
    writeFileSync(join(dir, 'tracking.log'), `${text(events.slice(300))}not an event\n`);
    const files = ['tracking.log', 'tracking.log.1.gz'].map((name) => join(dir, name));
    const json = await runCli(['log', 'stats', '--json', '--top', '3', ...files]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual({
      lines: 601,
      events: 600,
      skipped: 1,
      first: '2024-05-01T00:00:00.000Z',
      last: '2024-05-01T00:09:59.000Z',
      eventTypes: [
        ['/courses/course-v1:edX+DemoX+Demo_2014/courseware/', 120],
        ['edx.course.enrollment.activated', 120],
        ['edx.grades.problem.submitted', 120],
      ],
      sources: [['server', 360], ['browser', 240]],
      courses: [['course-v1:HarvardX+CS50+X', 200], ['course-v1:MITx+6.002x+2024_T1', 200], ['course-v1:edX+DemoX+Demo_2014', 200]],
      users: [['u0', 24], ['u1', 24], ['u10', 24]],
      distinct: { eventTypes: 5, sources: 2, courses: 3, users: 25 },
    });
    const human = await runCli(['log', 'stats', '--top', '2', ...files]);
    expect(human.stdout).toBe(
      [
        `${files.join(', ')}: 601 lines, 600 events, 1 skipped (not events)`,
        'time range: 2024-05-01T00:00:00.000Z .. 2024-05-01T00:09:59.000Z',
        '',
        'event types (top 2 of 5):',
        '  120  /courses/course-v1:edX+DemoX+Demo_2014/courseware/',
        '  120  edx.course.enrollment.activated',
        '',
        'sources (2):',
        '  360  server',
        '  240  browser',
        '',
        'courses (top 2 of 3):',
        '  200  course-v1:HarvardX+CS50+X',
        '  200  course-v1:MITx+6.002x+2024_T1',
        '',
        'users (top 2 of 25):',
        '  24  u0',
        '  24  u1',
        '',
      ].join('\n'),
    );
  });

  it('draws a progress bar on stderr for a large input when stderr is a terminal, and erases it; none when it is not', async () => {
    const dir = tempDir();
    const file = join(dir, 'tracking.log');
    await writeLog(file, 30000);
    expect(statSync(file).size).toBeGreaterThan(16 * 1024 * 1024);
    const piped = await runCli(['log', 'stats', '--json', file]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout).events).toBe(30000);
    // On a terminal: python3 runs the CLI with stderr on a pseudo-terminal, stdout to a file.
    const out = join(dir, 'stats.json');
    const script = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.dup2(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
    os.execv(sys.argv[2], sys.argv[2:])
seen = b''
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`;
    const run = spawnSync('python3', ['-c', script, out, process.execPath, cliScript(), 'log', 'stats', '--json', file], { encoding: 'latin1' });
    if (run.error) throw new Error(`python3 could not run (${run.error.message}); it gives this test its terminal`);
    expect(run.status).toBe(0);
    const terminal = run.stdout;
    expect(terminal).toMatch(/^\r\[[#.]{30}\] +\d+%  [\d,]+ lines  \d+ s/);
    expect(terminal.endsWith('\r\x1b[2K')).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8')).events).toBe(30000);
  }, 60000);
});

describe('eventtracking log tail', () => {
  const dir = tempDir();
  const file = join(dir, 'tracking.log');
  const events = Array.from({ length: 50 }, (_, i) => legacyLine(i, i % 2 ? 'tutor' : 'plain'));
  writeFileSync(file, `${text(events.slice(0, 48))}not an event\n${events[48]}\n${events[49]!.slice(0, 25)}`);

  it('prints the last events, one line each: time, event type, user, course, source; not the line being written', async () => {
    const run = await runCli(['log', 'tail', '-n', '3', file]);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        '2024-05-01T00:00:47.000Z  edx.ui.lms.link_clicked           u47         course-v1:HarvardX+CS50+X       browser',
        '! not an event: not an event',
        '2024-05-01T00:00:48.000Z  /courses/course-v1:edX+DemoX+Demo_2014/courseware/  u48         course-v1:edX+DemoX+Demo_2014   server',
        '',
      ].join('\n'),
    });
    expect((await runCli(['log', 'tail', file])).stdout.split('\n')).toHaveLength(11);
    expect(await runCli(['log', 'tail', '--lines=0', file])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('prints the lines as they are with --json, and reads a .gz file from its start (which it cannot follow)', async () => {
    expect((await runCli(['log', 'tail', '--json', '-n', '2', file])).stdout).toBe(`not an event\n${events[48]}\n`);
    const gz = join(dir, 'tracking.log.1.gz');
    writeFileSync(gz, gzipSync(text(events)));
    expect((await runCli(['log', 'tail', '--json', '-n', '4', gz])).stdout).toBe(text(events.slice(46)));
    const follow = await runCli(['log', 'tail', '-f', gz]);
    expect(follow).toEqual({ code: 2, stdout: '', stderr: `eventtracking log tail: cannot follow '${gz}': it is a gzip file (a rotated log); leave out -f to print its last lines\n` });
  });

  it('reads only the end of a large file: lines from across read chunks, fewer lines than asked', async () => {
    const big = join(dir, 'big.log');
    await writeLog(big, 20000);
    const run = await runCli(['log', 'tail', '--json', '-n', '500', big]);
    expect(run.stdout).toBe(text(Array.from({ length: 500 }, (_, k) => legacyLine(19500 + k))));
    const small = join(dir, 'small.log');
    writeFileSync(small, text(events.slice(0, 2)));
    expect((await runCli(['log', 'tail', '--json', small])).stdout).toBe(text(events.slice(0, 2)));
  });
});
