// `eventtracking consume`'s arguments, parsed, and the CLI's answers to bad ones as a
// child process (src/cli/index.ts bundled from the sources). Reading a real bus is
// tested in test/bus/brokers/cli.test.ts.
import { parseConsumeArgs, UsageError } from '../../src/cli/consume';
import { killChildren, startChild } from '../bus/support/children';

const CLI = 'src/cli/index.ts';
const REQUIRED = ['--redis', 'redis://bus.internal:6379', '--stream', 's', '--group', 'g', '--tracking-log', '/tmp/t.log'];

afterAll(killChildren);

function usageErrorOf(argv: string[]): string {
  try {
    parseConsumeArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseConsumeArgs', () => {
  it('parses eventtracking consume arguments', () => {
    expect(parseConsumeArgs(['--redis', 'redis://r', '--stream=s', '--group', 'g', '--tracking-log', '/tmp/t.log', '--batch-size', '50'])).toEqual({
      redis: 'redis://r',
      stream: 's',
      group: 'g',
      trackingLog: '/tmp/t.log',
      batchSize: 50,
      progressSeconds: 5,
    });
    expect(parseConsumeArgs(['--nats', 'nats://a, nats://b', '--stream', 's', '--group', 'g', '--tracking-log', 'f']).nats).toEqual(['nats://a', 'nats://b']);
    const all = [...REQUIRED, '--consumer', 'c1', '--max-attempts', '3', '--claim-idle=1000', '--max-message-bytes', '65536', '--json-style', 'python', '--max-event-size', '1000', '--progress', '0'];
    expect(parseConsumeArgs(all)).toMatchObject({ consumer: 'c1', maxAttempts: 3, claimIdleMs: 1000, maxMessageBytes: 65536, jsonStyle: 'python', maxEventSize: 1000, progressSeconds: 0 });
  });

  it("takes --format openedx, whose stream is event-bus-redis's analytics topic unless --stream names another", () => {
    const openedx = ['--redis', 'redis://r', '--format', 'openedx', '--group', 'g', '--tracking-log', 'f'];
    expect(parseConsumeArgs(openedx)).toMatchObject({ format: 'openedx', stream: 'analytics' });
    expect(parseConsumeArgs([...openedx, '--stream', 'prod-analytics'])).toMatchObject({ format: 'openedx', stream: 'prod-analytics' });
    expect(usageErrorOf(['--nats', 'nats://a', '--format', 'openedx', '--group', 'g', '--tracking-log', 'f'])).toBe(
      "--format openedx reads event-bus-redis's streams: give --redis URL, not --nats",
    );
    expect(usageErrorOf([...REQUIRED, '--format', 'kafka'])).toBe(`option '--format' must be one of "envelope", "openedx", got 'kafka'`);
    expect(usageErrorOf(['--redis', 'redis://r', '--format', 'envelope', '--group', 'g', '--tracking-log', 'f'])).toBe("option '--stream' is required");
  });

  it.each([
    [['--strem', 's'], "unknown option '--strem'; did you mean '--stream'?"],
    [['--batchsize', '5'], "unknown option '--batchsize'; did you mean '--batch-size'?"],
    [['--claim-idle-ms=5'], "unknown option '--claim-idle-ms'; did you mean '--claim-idle'?"],
    [['-stream', 's'], "unknown option '-stream'; did you mean '--stream'?"],
    [['--colour', 'red'], "unknown option '--colour'"],
    [['central'], "unexpected argument 'central'"],
  ])('refuses an unknown option, naming the nearest valid one: %j', (extra, message) => {
    expect(usageErrorOf([...REQUIRED, ...extra])).toBe(message);
  });

  it.each([
    [['--batch-size'], "option '--batch-size' needs a value: an integer of 1 or more"],
    [['--consumer', '--batch-size', '5'], "option '--consumer' needs a value: a non-empty string"],
    [['--json-style='], `option '--json-style' needs a value: one of "compact", "python"`],
    [['--batch-size', 'x'], "option '--batch-size' must be an integer of 1 or more, got 'x'"],
    [['--batch-size', '0'], "option '--batch-size' must be an integer of 1 or more, got '0'"],
    [['--claim-idle', '1.5'], "option '--claim-idle' must be an integer of 1 or more, got '1.5'"],
    [['--max-message-bytes', '0'], "option '--max-message-bytes' must be an integer of 1 or more, got '0'"],
    [['--progress', '-1'], "option '--progress' must be an integer of 0 or more, got '-1'"],
    [['--max-event-size', '50k'], "option '--max-event-size' must be an integer of 1 or more, got '50k'"],
    [['--json-style', 'yaml'], `option '--json-style' must be one of "compact", "python", got 'yaml'`],
    [['--stream', 'again'], "option '--stream' is given twice"],
  ])('says which option lacks a value or has a bad one, and what it takes: %j', (extra, message) => {
    expect(usageErrorOf([...REQUIRED, ...extra])).toBe(message);
  });

  it('says which broker URL is wrong', () => {
    const rest = REQUIRED.slice(2);
    expect(usageErrorOf(['--redis', 'localhost:6379', ...rest])).toBe("option '--redis' must be a URL such as 'redis://127.0.0.1:6379', got 'localhost:6379'");
    expect(usageErrorOf(['--nats', 'nats://a,,nats://b', ...rest])).toBe(
      "option '--nats' must be server URLs separated by commas, such as 'nats://a:4222,nats://b:4222', got 'nats://a,,nats://b'",
    );
    expect(usageErrorOf(['--redis', 'redis://r', '--nats', 'nats://n', ...rest])).toBe('give one of --redis URL and --nats URL');
    expect(usageErrorOf(['--redis', 'redis://r', '--stream', 's', '--group', 'g'])).toBe("option '--tracking-log' is required");
  });
});

describe('eventtracking (the CLI) without a broker', () => {
  it('--help prints the usage and exits 0; a usage error exits 2 with the message and the usage', async () => {
    const [help, misspelt, badValue, missing, command] = [
      ['consume', '--help'],
      ['consume', ...REQUIRED, '--strem', 'x'],
      ['consume', ...REQUIRED, '--max-attempts', 'three'],
      ['consume', '--stream', 's'],
      ['consme'],
    ].map((args) => startChild(CLI, args));
    expect(await help!.exited).toBe(0);
    expect(help!.stdout()).toContain('usage: eventtracking consume (--redis URL | --nats URL[,URL...]) --stream NAME --group NAME');
    for (const child of [misspelt, badValue, missing, command]) expect(await child!.exited).toBe(2);
    expect(misspelt!.stderr()).toMatch(/^eventtracking consume: unknown option '--strem'; did you mean '--stream'\?\n\nusage: eventtracking consume /);
    expect(badValue!.stderr()).toMatch(/^eventtracking consume: option '--max-attempts' must be an integer of 1 or more, got 'three'\n\nusage: /);
    expect(missing!.stderr()).toContain('eventtracking consume: give one of --redis URL and --nats URL');
    expect(command!.stderr()).toMatch(/^eventtracking: unknown command 'consme'; did you mean 'consume'\?\n\nusage: eventtracking <command>/);
  }, 30000);
});
