// `eventtracking log tail -f` as a child process while its file is rotated under it:
// moved and created again (logrotate's create mode, by hand and by Debian's real
// logrotate), copied and truncated (copytruncate), deleted and created again. Every line
// written must be printed once, in order.
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { legacyLine, removeTempDirs, tempDir } from './support/log-files';
import { startCli, stopClis, waitFor, type CliChild } from './support/run-cli';

afterAll(async () => {
  await stopClis();
  removeTempDirs();
});

const LOGROTATE = '/usr/sbin/logrotate';
const line = (i: number) => `${legacyLine(i, i % 2 ? 'tutor' : 'plain')}\n`;
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('');

/** Waits until the child has printed exactly `expected` (and fails at once if it printed more or else). */
async function printed(child: CliChild, expected: string): Promise<void> {
  await waitFor(
    'tail -f to print the lines written',
    () => {
      const out = child.stdout();
      if (!expected.startsWith(out)) throw new Error(`tail -f printed what was not expected:\n${out}\n--- expected ---\n${expected}`);
      return out === expected;
    },
    () => `stdout so far:\n${child.stdout()}\nstderr:\n${child.stderr()}`,
  );
}

async function noticed(child: CliChild, notice: string): Promise<void> {
  await waitFor(`the notice '${notice}'`, () => child.stderr().includes(notice), () => `stderr:\n${child.stderr()}`);
}

describe('eventtracking log tail -f', () => {
  it('follows the file across a move, a copytruncate and a deletion, printing every line once, in order', async () => {
    const dir = tempDir();
    const file = join(dir, 'tracking.log');
    writeFileSync(file, lines(0, 5));
    const tail = startCli(['log', 'tail', '-f', '--json', '-n', '2', '--interval', '50', file]);
    let expected = lines(3, 5);
    await printed(tail, expected);

    // Written as a writer holding the file open does, a line in two writes.
    const writer = openSync(file, 'a');
    writeSync(writer, lines(5, 8));
    writeSync(writer, line(8).slice(0, 40));
    await printed(tail, (expected += lines(5, 8)));
    writeSync(writer, line(8).slice(40));
    await printed(tail, (expected += line(8)));

    // Create mode: moved; the writer adds to the old file before it reopens the path.
    renameSync(file, `${file}.1`);
    writeSync(writer, lines(9, 11));
    closeSync(writer);
    writeFileSync(file, lines(11, 13));
    await printed(tail, (expected += lines(9, 13)));
    await noticed(tail, `${file} was replaced (rotated): following the new file from its start`);

    // copytruncate: the file is copied, then emptied; the writer goes on appending.
    writeFileSync(`${file}.2`, lines(11, 13));
    writeFileSync(file, '');
    await noticed(tail, `${file} was truncated: following it from its start`);
    appendFileSync(file, lines(13, 15));
    await printed(tail, (expected += lines(13, 15)));

    // Deleted, then created again.
    rmSync(file);
    await noticed(tail, `${file} has gone; waiting for it to come back`);
    writeFileSync(file, lines(15, 17));
    await printed(tail, (expected += lines(15, 17)));
    await noticed(tail, `${file} is back: following it from its start`);

    tail.process.kill('SIGTERM');
    expect(await tail.exited).toBe(0);
    expect(tail.stdout()).toBe(lines(3, 17));
  }, 60000);

  const haveLogrotate = existsSync(LOGROTATE);
  if (!haveLogrotate) {
    console.warn(`SKIPPED: ${LOGROTATE} is not installed (apt-get install logrotate); tail -f under the real logrotate is not tested`);
  }
  (haveLogrotate ? it : it.skip).each(['create', 'copytruncate'])(
    'follows the file through rotations by the real logrotate (%s mode, compress), pretty-printing each event once',
    async (mode) => {
      const dir = tempDir();
      const file = join(dir, 'tracking.log');
      const config = join(dir, 'logrotate.conf');
      writeFileSync(config, `${file} {\n  rotate 20\n  ${mode}\n  compress\n  missingok\n}\n`);
      writeFileSync(file, line(0));
      const tail = startCli(['log', 'tail', '-f', '-n', '1', '--interval', '50', file]);
      const time = (i: number) => `2024-05-01T00:00:${String(i).padStart(2, '0')}.000Z`;
      const expected = [time(0)];
      await waitFor('tail -f to print the first event', () => tail.stdout().includes(time(0)), () => tail.stderr());
      const notice = mode === 'create' ? /was replaced \(rotated\)|is back/g : /was truncated/g;
      let next = 1;
      for (let round = 1; round <= 5; round++) {
        // A writer that opens the path for each write, as LoggerBackend and WatchedFileHandler reopen it after a rotation.
        appendFileSync(file, lines(next, next + 3));
        for (let i = next; i < next + 3; i++) expected.push(time(i));
        next += 3;
        await waitFor('the events before the rotation', () => expected.every((t) => tail.stdout().includes(t)), () => tail.stdout());
        execFileSync(LOGROTATE, ['-f', '-s', join(dir, 'state'), config]);
        await waitFor(`tail -f to notice rotation ${round}`, () => (tail.stderr().match(notice) ?? []).length === round, () => tail.stderr());
      }
      tail.process.kill('SIGINT');
      expect(await tail.exited).toBe(0);
      const out = tail.stdout().split('\n').slice(0, -1);
      expect(out.map((printedLine) => printedLine.slice(0, 24))).toEqual(expected);
      expect(out[1]).toMatch(/^2024-05-01T00:00:01\.000Z  play_video +u1 +course-v1:MITx\+6\.002x\+2024_T1 +browser$/);
      expect(existsSync(`${file}.5.gz`)).toBe(true);
    },
    60000,
  );
});
