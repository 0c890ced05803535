// `eventtracking log filter|validate|stats|tail` run as child processes on real files:
// plain and Tutor lines, a rotated set with .gz files made with zlib, broken lines.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { legacyLine, removeTempDirs, tempDir } from './support/log-files';
import { runCli, stopClis } from './support/run-cli';

afterAll(async () => {
  await stopClis();
  removeTempDirs();
});

const lines = (from: number, to: number, format: (i: number) => 'plain' | 'tutor' = (i) => (i % 2 ? 'tutor' : 'plain')) =>
  Array.from({ length: to - from }, (_, k) => legacyLine(from + k, format(from + k), 10));
const text = (list: string[]) => list.map((line) => `${line}\n`).join('');

/** A rotated set: events 0-99 in .3.gz, 100-199 in .2.gz, 200-299 in .1, 300-399 in the live file. */
function rotatedSet(): { dir: string; files: string[]; all: string[] } {
  const dir = tempDir();
  const all = lines(0, 400);
  writeFileSync(join(dir, 'tracking.log.3.gz'), gzipSync(text(all.slice(0, 100))));
  writeFileSync(join(dir, 'tracking.log.2.gz'), gzipSync(text(all.slice(100, 200))));
  writeFileSync(join(dir, 'tracking.log.1'), text(all.slice(200, 300)));
  writeFileSync(join(dir, 'tracking.log'), text(all.slice(300, 400)));
  // As a shell's glob lists them.
  const files = ['tracking.log', 'tracking.log.1', 'tracking.log.2.gz', 'tracking.log.3.gz'].map((name) => join(dir, name));
  return { dir, files, all };
}

describe('eventtracking log filter', () => {
  const { files, all } = rotatedSet();
  const pick = (test: (i: number) => boolean) => text(all.filter((_, i) => test(i)));

  it('writes every line of a rotated set oldest first, byte for byte, Tutor prefixes kept, .gz decompressed', async () => {
    const run = await runCli(['log', 'filter', ...files]);
    expect(run).toEqual({ code: 0, stdout: text(all), stderr: '' });
  });

  it('keeps the events that match every option, any value of a repeated one', async () => {
    const start = Date.UTC(2024, 4, 1);
    const iso = (i: number) => new Date(start + i * 1000).toISOString();
    const cases: Array<[string[], (i: number) => boolean]> = [
      [['--name', 'play_video'], (i) => i % 5 === 1],
      [['--name', 'edx.course.*', '--name', 'edx.grades.*'], (i) => i % 5 === 0 || i % 5 === 4],
      [['--user', 'u3'], (i) => i % 10 === 3],
      [['--user', '#4', '--user', 'u5'], (i) => i % 10 === 3 || i % 10 === 5],
      [['--course', 'course-v1:MITx+*', '--source', 'browser'], (i) => i % 3 === 1 && (i % 5 === 1 || i % 5 === 2)],
      [['--since', iso(150), '--until', iso(250)], (i) => i >= 150 && i < 250],
      [['--since', '2024-05-01T00:05:50', '--name', '*video'], (i) => i >= 350 && i % 5 === 1],
      [['--until', '2024-05-01'], () => false],
      [['--source', 'mobile'], () => false],
    ];
    const runs = await Promise.all(cases.map(([flags]) => runCli(['log', 'filter', ...flags, ...files])));
    runs.forEach((run, k) => {
      expect({ flags: cases[k]![0], ...run }).toEqual({ flags: cases[k]![0], code: 0, stdout: pick(cases[k]![1]), stderr: '' });
    });
  }, 60000); // nine children at once, on a busy machine

  it('skips lines that hold no event and says where; a gzip file cut short is reported and the rest is read (exit 2)', async () => {
    const dir = tempDir();
    const log = join(dir, 'tracking.log');
    writeFileSync(log, `${all[0]}\nnot json\n${all[1]}\n[1,2]\n${all[2]!.slice(0, 30)}`);
    const cut = join(dir, 'tracking.log.1.gz');
    writeFileSync(cut, gzipSync(text(all.slice(10, 300))).subarray(0, 3000));
    const run = await runCli(['log', 'filter', log]);
    expect(run).toEqual({
      code: 0,
      stdout: text(all.slice(0, 2)),
      stderr: `eventtracking log filter: skipped 3 lines holding no event: ${log}:2, ${log}:4, ${log}:5\n`,
    });
    const both = await runCli(['log', 'filter', '--name', 'play_video', log, cut]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(new RegExp(`^eventtracking log filter: cannot read all of '${cut}': unexpected end of file\\n`));
    // Read first (the older file), what came out of the cut file before its end is kept.
    expect(both.stdout.endsWith(`${all[1]}\n`)).toBe(true);
    expect(both.stdout.split('\n').length).toBeGreaterThan(2);
  });
});

describe('eventtracking log validate', () => {
  it('passes a valid rotated set, Tutor lines and .gz included, and lists the first warnings (exit 0)', async () => {
    const { files } = rotatedSet();
    const run = await runCli(['log', 'validate', '--show', '2', ...files]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout.split('\n');
    expect(out[0]).toBe(`${files[3]}: 100 lines, 100 valid, 0 invalid, 40 with warnings`);
    expect(out.slice(1, 5)).toEqual([
      '  line 2: warning: event name "play_video" is not in namespace.object.action form',
      '  line 4: warning: event name "/courses/course-v1:edX+DemoX+Demo_2014/courseware/" is not in namespace.object.action form',
      '  (38 more not listed)',
      '  names not in namespace.object.action form: play_video (20), /courses/course-v1:edX+DemoX+Demo_2014/courseware/ (20)',
    ]);
    expect(out[5]).toBe(`${files[2]}: 100 lines, 100 valid, 0 invalid, 40 with warnings`);
    expect(out.at(-2)).toBe('total: 4 files, 400 lines, 400 valid, 0 invalid, 160 with warnings');
  });

  it('finds every kind of invalid line, with its line number, and exits 1', async () => {
    const dir = tempDir();
    const file = join(dir, 'tracking.log');
    const event = JSON.parse(legacyLine(0)) as Record<string, unknown>;
    const { session: _session, ...noSession } = event;
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(
          [
            legacyLine(0),
            'garbage',
            JSON.stringify(noSession),
            legacyLine(5, 'tutor'),
            JSON.stringify({ ...event, event: 'x'.repeat(300) }),
            JSON.stringify({ ...event, time: 'noon' }),
            '',
          ].join('\n') + '\n',
        ),
        Buffer.from([0xc3, 0x28, 0x0a]),
        Buffer.from(legacyLine(10).slice(0, 40)),
      ]),
    );
    const run = await runCli(['log', 'validate', '--max-event-size', '600', file]);
    expect(run.code).toBe(1);
    const out = run.stdout.split('\n');
    expect(out.slice(0, 8)).toEqual([
      `${file}: 9 lines, 2 valid, 7 invalid, 0 with warnings`,
      '  line 2: error: no JSON object: neither a JSON line nor a [tracking] line of Python logging',
      '  line 3: error: missing legacy field: session',
      `  line 5: error: the event is ${JSON.stringify({ ...event, event: 'x'.repeat(300) }).length} characters, over the max event size of 600`,
      '  line 6: error: time "noon" is not a date and time',
      '  line 7: error: an empty line',
      '  line 8: error: not valid UTF-8',
      expect.stringMatching(/^  line 9: error: cut short \(the last line, without its newline\): not JSON: /),
    ]);
    expect(out.slice(8)).toEqual(['']);
    const fewer = await runCli(['log', 'validate', '--show', '1', file]);
    expect(fewer.stdout.split('\n').slice(1)).toEqual(['  line 2: error: no JSON object: neither a JSON line nor a [tracking] line of Python logging', '  (5 more not listed)', '']);
  });
});
