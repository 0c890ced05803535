import { LoggerBackend } from '../backends/logger';
import { describeFailure } from '../core/errors';
import { nearestName, option, type OptionType } from '../core/options';
import type { JsonStyle } from '../encoding/json';
import { PasswordCensorProcessor } from '../processors/censor-passwords';
import { LegacyFieldMappingProcessor } from '../processors/legacy-field-mapping';
import { PrefixedEventProcessor } from '../processors/prefixed-event';
import { createEventBusConsumer, EventBusConsumer } from '../bus/consumer';
import { createBusTransport } from '../bus/from-config';
import { RedisStreamTransport } from '../bus/redis-transport';
import { openedxStreamName } from '../bus/openedx-format';

/** The usage text of `eventtracking consume`. */
export const CONSUME_USAGE = `usage: eventtracking consume (--redis URL | --nats URL[,URL...]) --stream NAME --group NAME
                            --tracking-log FILE [options]
       eventtracking consume --redis URL --format openedx [--stream NAME] --group NAME
                            --tracking-log FILE [options]

Reads the bus stream as one member of a consumer group and writes a central
tracking.log. The events on the bus are raw (what tracker.emit builds): this
consumer runs PasswordCensorProcessor, the legacy shim and PrefixedEventProcessor,
as edxDefaults() does, then a LoggerBackend, so a password published by a producer
without the censor never reaches the file. An event is acked once its line is on disk.

  --redis URL            Redis server (redis://host:6379); the stream is a Redis stream
  --nats URL[,URL]       NATS server(s) with JetStream; the stream is a JetStream stream
  --stream NAME          the bus stream producers publish to (with --format openedx:
                         <EVENT_BUS_TOPIC_PREFIX>-analytics; default: analytics)
  --format FORMAT        envelope (ours) or openedx (event-bus-redis's entries, as the
                         LMS publishes tracking events; --redis only) (default: envelope)
  --group NAME           the consumer group (each group gets every event once)
  --consumer NAME        this member's name (default: <hostname>-<pid>)
  --tracking-log FILE    the file lines are appended to
  --batch-size N         messages per read/flush/ack batch (default: 100)
  --max-attempts N       attempts before an event goes to the dead-letter stream (default: 5)
  --claim-idle MS        take over messages a dead member left unacked this long (default: 30000)
  --max-message-bytes N  larger messages go to the dead-letter stream undecoded (default: 1048576)
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
  format?: 'envelope' | 'openedx';
  stream: string;
  group: string;
  consumer?: string;
  trackingLog: string;
  batchSize?: number;
  maxAttempts?: number;
  claimIdleMs?: number;
  maxMessageBytes?: number;
  jsonStyle?: JsonStyle;
  maxEventSize?: number;
  progressSeconds: number;
}

/** A usage error: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

/** One flag of `consume`: where its value goes, and what a valid value is. */
interface Flag {
  key: keyof ConsumeArgs;
  /** What a valid value is, as a phrase for messages. */
  expected: string;
  /** The value `text` stands for, or undefined if it is not a valid one. */
  parse(text: string): unknown;
}

/** A flag whose value is checked by an option type of the library (a simple one: `accepts` is its whole check). */
function typed(key: keyof ConsumeArgs, type: OptionType<unknown>, fromText: (text: string) => unknown = (text) => text): Flag {
  return {
    key,
    expected: type.expected,
    parse(text) {
      const value = fromText(text);
      return type.accepts(value) ? value : undefined;
    },
  };
}

const wholeNumber = (text: string): number => (/^\d+$/.test(text) ? Number(text) : NaN);
const consumerOptions = EventBusConsumer.options.fields;

/** The flags, each checked as the option it sets is (`--batch-size` as the consumer's `batchSize`...). */
const FLAGS: Record<string, Flag> = {
  '--redis': typed('redis', RedisStreamTransport.options.fields.url),
  '--nats': {
    key: 'nats',
    expected: "server URLs separated by commas, such as 'nats://a:4222,nats://b:4222'",
    parse: (text) => {
      const urls = text.split(',').map((url) => url.trim());
      return urls.every((url) => url !== '') ? urls : undefined;
    },
  },
  '--stream': typed('stream', consumerOptions.stream),
  '--format': typed('format', RedisStreamTransport.options.fields.format),
  '--group': typed('group', consumerOptions.group),
  '--consumer': typed('consumer', consumerOptions.consumer),
  '--tracking-log': typed('trackingLog', LoggerBackend.options.fields.filename),
  '--batch-size': typed('batchSize', consumerOptions.batchSize, wholeNumber),
  '--max-attempts': typed('maxAttempts', consumerOptions.maxAttempts, wholeNumber),
  '--claim-idle': typed('claimIdleMs', consumerOptions.claimIdleMs, wholeNumber),
  '--max-message-bytes': typed('maxMessageBytes', consumerOptions.maxMessageBytes, wholeNumber),
  '--json-style': typed('jsonStyle', LoggerBackend.options.fields.jsonStyle),
  '--max-event-size': typed('maxEventSize', option.number({ min: 1, integer: true }), wholeNumber),
  '--progress': typed('progressSeconds', option.number({ min: 0, integer: true }), wholeNumber),
};

function unknownOption(arg: string): UsageError {
  const nearest = nearestName(arg, Object.keys(FLAGS));
  return new UsageError(`unknown option '${arg}'${nearest ? `; did you mean '${nearest}'?` : ''}`);
}

/**
 * Parses `consume`'s arguments (`--flag value` or `--flag=value`). Throws a
 * {@link UsageError} naming the flag: unknown (with the nearest valid one), given
 * twice, missing its value, or with a value that is not what it takes.
 */
export function parseConsumeArgs(argv: readonly string[]): ConsumeArgs {
  const found = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = FLAGS[name];
    if (!flag || !name.startsWith('--')) throw unknownOption(name);
    // `--stream --group g`: the next flag is not the value of this one.
    const next = argv[i + 1];
    const value = eq !== -1 ? arg.slice(eq + 1) : next !== undefined && !next.startsWith('--') ? argv[++i] : undefined;
    if (value === undefined || value === '') throw new UsageError(`option '${name}' needs a value: ${flag.expected}`);
    if (found.has(name)) throw new UsageError(`option '${name}' is given twice`);
    found.set(name, value);
  }
  if (found.has('--redis') === found.has('--nats')) throw new UsageError('give one of --redis URL and --nats URL');
  const openedx = found.get('--format') === 'openedx';
  if (openedx && found.has('--nats')) throw new UsageError("--format openedx reads event-bus-redis's streams: give --redis URL, not --nats");
  for (const name of [...(openedx ? [] : ['--stream']), '--group', '--tracking-log']) if (!found.has(name)) throw new UsageError(`option '${name}' is required`);
  const args: Record<string, unknown> = { progressSeconds: 5, ...(openedx ? { stream: openedxStreamName() } : {}) };
  for (const [name, text] of found) {
    const flag = FLAGS[name] as Flag;
    const value = flag.parse(text);
    if (value === undefined) throw new UsageError(`option '${name}' must be ${flag.expected}, got '${text}'`);
    args[flag.key] = value;
  }
  return args as unknown as ConsumeArgs;
}

/** Runs the consumer until `stop` resolves; then closes it. Writes progress lines with `log`. */
export async function runConsume(args: ConsumeArgs, stop: Promise<string>, log: (line: string) => void): Promise<EventBusConsumer> {
  const logger = new LoggerBackend({ filename: args.trackingLog, jsonStyle: args.jsonStyle, maxEventSize: args.maxEventSize });
  // edxDefaults' tracking_logs branch, censor first. Its processors run in the consumer itself
  // rather than in a RoutingBackend: each event is decoded fresh from the bus, so the router's
  // copy is not needed.
  const consumer = createEventBusConsumer({
    transport: createBusTransport(args.redis !== undefined ? { redis: { url: args.redis, format: args.format } } : { nats: args.nats }),
    stream: args.stream,
    group: args.group,
    consumer: args.consumer,
    backends: { tracking_logs: logger },
    processors: [new PasswordCensorProcessor(), new LegacyFieldMappingProcessor(), new PrefixedEventProcessor()],
    batchSize: args.batchSize,
    maxAttempts: args.maxAttempts,
    claimIdleMs: args.claimIdleMs,
    maxMessageBytes: args.maxMessageBytes,
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
