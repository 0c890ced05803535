// `eventtracking consume`'s arguments, parsed, and the CLI's answers to bad ones as a
// child process (src/cli/index.ts bundled from the sources). Reading a real bus is
// tested in test/bus/brokers/cli.test.ts.
import { parseConsumeArgs, UsageError } from '../../src/cli/consume';
import { killChildren, startChild } from '../bus/support/children';

const CLI = 'src/cli/index.ts';

afterAll(killChildren);

describe('parseConsumeArgs', () => {
  it('parses eventtracking consume arguments', () => {
    expect(parseConsumeArgs(['--redis', 'redis://r', '--stream=s', '--group', 'g', '--tracking-log', '/tmp/t.log', '--batch-size', '50'])).toMatchObject({
      redis: 'redis://r',
      stream: 's',
      group: 'g',
      trackingLog: '/tmp/t.log',
      batchSize: 50,
      progressSeconds: 5,
    });
    expect(parseConsumeArgs(['--nats', 'nats://a,nats://b', '--stream', 's', '--group', 'g', '--tracking-log', 'f']).nats).toEqual(['nats://a', 'nats://b']);
    expect(() => parseConsumeArgs(['--stream', 's'])).toThrow(UsageError);
    expect(() => parseConsumeArgs(['--redis', 'r', '--nats', 'n', '--stream', 's', '--group', 'g', '--tracking-log', 'f'])).toThrow(/one of --redis/);
    expect(() => parseConsumeArgs(['--redis', 'r', '--stream', 's', '--group', 'g', '--tracking-log', 'f', '--bogus', '1'])).toThrow(/unknown option --bogus/);
    expect(() => parseConsumeArgs(['--redis', 'r', '--stream', 's', '--group', 'g', '--tracking-log', 'f', '--batch-size', 'x'])).toThrow(/whole number/);
  });
});

describe('eventtracking (the CLI) without a broker', () => {
  it('--help prints the usage and exits 0; a usage error exits 2', async () => {
    const help = startChild(CLI, ['consume', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('usage: eventtracking consume (--redis URL | --nats URL[,URL...]) --stream NAME --group NAME');
    const bad = startChild(CLI, ['consume', '--stream', 's']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain('eventtracking consume: give one of --redis URL and --nats URL');
    const unknown = startChild(CLI, ['produce']);
    expect(await unknown.exited).toBe(2);
  }, 30000);
});
