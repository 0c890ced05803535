import { LoggerBackend } from '../backends/logger';
import { describeFailure } from '../core/errors';
import type { JsonStyle } from '../encoding/json';
import { PasswordCensorProcessor } from '../processors/censor-passwords';
import { LegacyFieldMappingProcessor } from '../processors/legacy-field-mapping';
import { PrefixedEventProcessor } from '../processors/prefixed-event';
import { createEventBusConsumer, type EventBusConsumer } from '../bus/consumer';
import { createBusTransport } from '../bus/from-config';

/** The usage text of `eventtracking consume`. */
export const CONSUME_USAGE = `usage: eventtracking consume (--redis URL | --nats URL[,URL...]) --stream NAME --group NAME
                            --tracking-log FILE [options]

Reads the bus stream as one member of a consumer group and writes a central
tracking.log. The events on the bus are raw (what tracker.emit builds): this
consumer runs PasswordCensorProcessor, the legacy shim and PrefixedEventProcessor,
as edxDefaults() does, then a LoggerBackend, so a password published by a producer
without the censor never reaches the file. An event is acked once its line is on disk.

  --redis URL            Redis server (redis://host:6379); the stream is a Redis stream
  --nats URL[,URL]       NATS server(s) with JetStream; the stream is a JetStream stream
  --stream NAME          the bus stream producers publish to
  --group NAME           the consumer group (each group gets every event once)
  --consumer NAME        this member's name (default: <hostname>-<pid>)
  --tracking-log FILE    the file lines are appended to
  --batch-size N         messages per read/flush/ack batch (default: 100)
  --max-attempts N       attempts before an event goes to the dead-letter stream (default: 5)
  --claim-idle MS        take over messages a dead member left unacked this long (default: 30000)
  --json-style STYLE     compact or python (default: compact)
  --max-event-size N     longest line written, in characters (default: 50000)
  --progress SECONDS     progress line on stderr every SECONDS, 0 for none (default: 5)
  -h, --help             this text

Stops cleanly on SIGTERM or SIGINT: finishes the batch in hand, acks it, closes the file.
Exit status: 0 after a clean stop, 2 on a usage error, 1 on a fatal error.`;

/** Parsed `consume` arguments. */
export interface ConsumeArgs {
  redis?: string;
  nats?: string[];
  stream: string;
  group: string;
  consumer?: string;
  trackingLog: string;
  batchSize?: number;
  maxAttempts?: number;
  claimIdleMs?: number;
  jsonStyle?: JsonStyle;
  maxEventSize?: number;
  progressSeconds: number;
}

/** A usage error: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

const NUMBER_FLAGS = {
  '--batch-size': 'batchSize',
  '--max-attempts': 'maxAttempts',
  '--claim-idle': 'claimIdleMs',
  '--max-event-size': 'maxEventSize',
  '--progress': 'progressSeconds',
} as const;

/** Parses `consume`'s arguments (`--flag value` or `--flag=value`). Throws a {@link UsageError}. */
export function parseConsumeArgs(argv: readonly string[]): ConsumeArgs {
  const found: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    found[flag] = value;
  }
  const known = new Set(['--redis', '--nats', '--stream', '--group', '--consumer', '--tracking-log', '--json-style', ...Object.keys(NUMBER_FLAGS)]);
  for (const flag of Object.keys(found)) if (!known.has(flag)) throw new UsageError(`unknown option ${flag}`);
  if ((found['--redis'] === undefined) === (found['--nats'] === undefined)) throw new UsageError('give one of --redis URL and --nats URL');
  for (const flag of ['--stream', '--group', '--tracking-log']) if (found[flag] === undefined) throw new UsageError(`${flag} is required`);
  const style = found['--json-style'];
  if (style !== undefined && style !== 'compact' && style !== 'python') throw new UsageError(`--json-style must be compact or python`);
  const args: ConsumeArgs = {
    redis: found['--redis'],
    nats: found['--nats']?.split(',').map((url) => url.trim()),
    stream: found['--stream'] as string,
    group: found['--group'] as string,
    consumer: found['--consumer'],
    trackingLog: found['--tracking-log'] as string,
    jsonStyle: style as JsonStyle | undefined,
    progressSeconds: 5,
  };
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const text = found[flag];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new UsageError(`${flag} must be a whole number, got '${text}'`);
    (args as unknown as Record<string, number>)[key] = value;
  }
  return args;
}

/** Runs the consumer until `stop` resolves; then closes it. Writes progress lines with `log`. */
export async function runConsume(args: ConsumeArgs, stop: Promise<string>, log: (line: string) => void): Promise<EventBusConsumer> {
  const logger = new LoggerBackend({ filename: args.trackingLog, jsonStyle: args.jsonStyle, maxEventSize: args.maxEventSize });
  // edxDefaults' tracking_logs branch, censor first. Its processors run in the consumer itself
  // rather than in a RoutingBackend: each event is decoded fresh from the bus, so the router's
  // copy is not needed.
  const consumer = createEventBusConsumer({
    transport: createBusTransport(args.redis !== undefined ? { redis: args.redis } : { nats: args.nats }),
    stream: args.stream,
    group: args.group,
    consumer: args.consumer,
    backends: { tracking_logs: logger },
    processors: [new PasswordCensorProcessor(), new LegacyFieldMappingProcessor(), new PrefixedEventProcessor()],
    batchSize: args.batchSize,
    maxAttempts: args.maxAttempts,
    claimIdleMs: args.claimIdleMs,
    onError: (error, info) => log(describeFailure(error, info)),
  });
  const name = consumer.settings.consumer;
  log(`eventtracking consume: ${name} reading '${args.stream}' as group '${args.group}' into ${args.trackingLog}`);
  let last = { at: Date.now(), delivered: 0 };
  const progress = async (): Promise<void> => {
    const now = Date.now();
    const { delivered, deadLettered, duplicates, retried } = consumer.stats;
    const rate = ((delivered - last.delivered) * 1000) / Math.max(1, now - last.at);
    last = { at: now, delivered };
    const lag = await consumer.lag();
    log(
      `eventtracking consume: ${Math.round(rate)} events/s, delivered ${delivered}, lag ${lag ?? '?'}, ` +
        `dead-lettered ${deadLettered}, retried ${retried}, duplicates ${duplicates}`,
    );
  };
  const timer = args.progressSeconds > 0 ? setInterval(() => void progress(), args.progressSeconds * 1000) : undefined;
  timer?.unref();
  const signal = await stop;
  log(`eventtracking consume: ${signal}: finishing the batch in hand, then closing`);
  if (timer) clearInterval(timer);
  await consumer.close();
  const { delivered, deadLettered, duplicates } = consumer.stats;
  log(`eventtracking consume: stopped; delivered ${delivered}, dead-lettered ${deadLettered}, duplicates ${duplicates}`);
  return consumer;
}
