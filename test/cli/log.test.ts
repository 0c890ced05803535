// `eventtracking log` as a child process: help, version, and the answers to a bad
// command, a bad flag or value (the nearest valid one, exit status 2) and a file that
// cannot be read.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { legacyLine, removeTempDirs, tempDir } from './support/log-files';
import { runCli, stopClis } from './support/run-cli';

afterAll(async () => {
  await stopClis();
  removeTempDirs();
});

const dir = tempDir();
const log = join(dir, 'tracking.log');
writeFileSync(log, `${legacyLine(0)}\n${legacyLine(1)}\n`);

describe('eventtracking log: help, version, usage errors', () => {
  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `eventtracking ${version}\n`, stderr: '' });
  });

  it('--help of each command prints its usage and exits 0; the log command alone prints the list and exits 2', async () => {
    const commands = ['tail', 'filter', 'validate', 'stats'];
    const runs = await Promise.all(
      commands.map((command) => Promise.all([['log', command, '--help'], ['log', command, log, '-h'], ['help', 'log', command]].map((args) => runCli(args)))),
    );
    runs.forEach(([help, short, topic], i) => {
      expect(help!.code).toBe(0);
      expect(help!.stdout).toMatch(new RegExp(`^usage: eventtracking log ${commands[i]} `));
      expect(short).toEqual(help);
      expect(topic).toEqual(help);
    });
    const list = await runCli(['log']);
    expect(list.code).toBe(2);
    expect(list.stdout).toMatch(/^usage: eventtracking log <command> \[options\] FILE\.\.\.\n[\s\S]*tail \[-f\] FILE[\s\S]*filter FILE[\s\S]*validate FILE[\s\S]*stats FILE/);
    expect((await runCli(['log', '--help'])).code).toBe(0);
    expect((await runCli(['--help'])).stdout).toContain('log        read tracking.log: tail [-f], filter, validate, stats');
  });

  it.each([
    [['log', 'stat', log], "eventtracking log: unknown command 'stat'; did you mean 'stats'?"],
    [['lgo', 'stats', log], "eventtracking: unknown command 'lgo'; did you mean 'log'?"],
    [['log', 'filter', '--usr', 'alice', log], "eventtracking log filter: unknown option '--usr'; did you mean '--user'?"],
    [['log', 'filter', '--course-id', 'x', log], "eventtracking log filter: unknown option '--course-id'; did you mean '--course'?"],
    [['log', 'tail', '--follow=yes', log], "eventtracking log tail: option '--follow' takes no value"],
    [['log', 'tail', '-F', log], "eventtracking log tail: unknown option '-F'; did you mean '-f'?"],
    [['log', 'filter', '--since', 'yesterday', log], "eventtracking log filter: option '--since' must be a time such as 2024-05-01, 2024-05-01T10:30:00Z (UTC when no zone is given) or 2h (that long ago: s, m, h, d), got 'yesterday'"],
    [['log', 'filter', '--until', '2024-13-01', log], "eventtracking log filter: option '--until' must be a time such as"],
    [['log', 'filter', '--since', '1h', '--since', '2h', log], "eventtracking log filter: option '--since' is given twice"],
    [['log', 'stats', '--top', '0', log], "eventtracking log stats: option '--top' must be an integer of 1 or more, got '0'"],
    [['log', 'stats', log, '--top'], "eventtracking log stats: option '--top' needs a value: an integer of 1 or more"],
    [['log', 'tail', '-n', '-3', log], "eventtracking log tail: option '--lines' needs a value: an integer of 0 or more"],
    [['log', 'tail', log, log], 'eventtracking log tail: tail reads one FILE, got 2'],
    [['log', 'validate'], 'eventtracking log validate: give at least one FILE to read'],
    [['log', 'validate', '--max-event-size', '50k', log], "eventtracking log validate: option '--max-event-size' must be an integer of 1 or more, got '50k'"],
  ])('refuses %j with exit status 2, the message and the usage', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr).toMatch(/\n\nusage: eventtracking /);
  });

  it('says which file cannot be read, and why, before reading any: exit status 2', async () => {
    const missing = join(dir, 'tracking.log.7.gz');
    for (const command of ['tail', 'filter', 'validate', 'stats']) {
      const files = command === 'tail' ? [missing] : [log, missing];
      const run = await runCli(['log', command, ...files]);
      expect(run).toEqual({ code: 2, stdout: '', stderr: `eventtracking log ${command}: cannot read '${missing}': no such file\n` });
    }
    const folder = join(dir, 'logs');
    mkdirSync(folder);
    expect((await runCli(['log', 'stats', folder])).stderr).toBe(`eventtracking log stats: cannot read '${folder}': it is a directory\n`);
  });

  it('reads a file named like a flag after --', async () => {
    const odd = join(dir, '-odd.log');
    writeFileSync(odd, `${legacyLine(2)}\n`);
    const run = await runCli(['log', 'filter', '--', odd], { env: {} });
    expect(run).toEqual({ code: 0, stdout: `${legacyLine(2)}\n`, stderr: '' });
  });
});
