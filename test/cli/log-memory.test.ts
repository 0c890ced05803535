// `eventtracking log` streams: a generated tracking.log of a million lines (over 600 MB,
// plain and Tutor lines) goes through stats, validate and filter in child processes
// whose peak memory (RSS, as the kernel counts it) stays far below the file's size.
// Memory is asserted, not time: the throughput is measured by bench/log-cli.mjs.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempDirs, tempDir, writeLog } from './support/log-files';
import { runCli, stopClis } from './support/run-cli';

const LINES = 1_000_000;
/**
 * The bound on each child's peak RSS: generous (Node alone takes about 45 MB; a filter writing to
 * a slow pipe on a loaded machine reached 264 MB on Node 24), and well under the file's size.
 */
const MAX_RSS = 320 * 1024 * 1024;

const dir = tempDir();
const file = join(dir, 'tracking.log');
/** Loaded with `--require` into the child: writes its peak RSS, in bytes, where ET_RSS_FILE says, as it exits. */
const reporter = join(dir, 'rss-reporter.cjs');
writeFileSync(reporter, "process.on('exit', () => require('node:fs').writeFileSync(process.env.ET_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");

afterAll(async () => {
  await stopClis();
  removeTempDirs();
});

/** Runs the CLI with its peak RSS reported; stdout only counted (a filter's output is large too). */
async function measured(args: string[], keepStdout = true) {
  const rssFile = join(dir, `rss-${args[1]}`);
  let bytes = 0;
  let newlines = 0;
  const run = await runCli(args, {
    execArgv: ['--require', reporter],
    env: { ET_RSS_FILE: rssFile },
    onStdout: keepStdout
      ? undefined
      : (chunk) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) newlines++;
        },
  });
  return { ...run, rss: Number(readFileSync(rssFile, 'utf8')), bytes, newlines };
}

describe('eventtracking log on a million-line tracking.log', () => {
  beforeAll(async () => {
    await writeLog(file, LINES, (i) => (i % 2 ? 'tutor' : 'plain'));
  }, 180000);

  it('counts it with stats in bounded memory', async () => {
    expect(statSync(file).size).toBeGreaterThan(1.8 * MAX_RSS);
    const stats = await measured(['log', 'stats', '--json', file]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ lines: LINES, events: LINES, skipped: 0, distinct: { users: 1000, eventTypes: 5 } });
    expect(stats.rss).toBeLessThan(MAX_RSS);
  }, 180000);

  it('checks it with validate in bounded memory', async () => {
    const validate = await measured(['log', 'validate', file]);
    expect(validate.code).toBe(0);
    expect(validate.stdout.split('\n')[0]).toBe(`${file}: ${LINES} lines, ${LINES} valid, 0 invalid, ${(LINES * 2) / 5} with warnings`);
    expect(validate.rss).toBeLessThan(MAX_RSS);
  }, 180000);

  it('filters it in bounded memory, writing a fifth of it to a pipe', async () => {
    const filter = await measured(['log', 'filter', '--name', 'edx.course.*', file], false);
    expect(filter.code).toBe(0);
    expect(filter.newlines).toBe(LINES / 5);
    expect(filter.bytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(filter.rss).toBeLessThan(MAX_RSS);
  }, 180000);
});
