// The bus as configuration data: transports built from { redis } / { nats }, and the
// EventBusBackend engine, through createTracker and edxDefaults({ bus }). No broker
// needed: a transport connects on first use, and these trackers publish nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { createTracker } from '../../src/config/create-tracker';
import { edxDefaults } from '../../src/config/edx-defaults';
import { OptionsError } from '../../src/core/options';
import type { RoutingBackend } from '../../src/core/routing';
import type { Tracker } from '../../src/core/tracker';
import type { EventBusBackend } from '../../src/bus/event-bus-backend';
import { createBusTransport, eventBusBackendEngine } from '../../src/bus/from-config';
import { NatsJetStreamTransport } from '../../src/bus/nats-transport';
import { RedisStreamTransport } from '../../src/bus/redis-transport';

const dir = mkdtempSync(join(tmpdir(), 'et-bus-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trackingLog = join(dir, 'tracking.log');

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return (error as Error).message;
  }
  throw new Error('expected an OptionsError');
}

/** The EventBusBackend of a tracker built by edxDefaults({ bus }) or with a `bus` engine. */
function busOf(tracker: Tracker): EventBusBackend {
  const backend = tracker.getBackend('bus') as RoutingBackend | EventBusBackend;
  return 'transport' in backend ? backend : (backend.backends.get('bus') as EventBusBackend);
}

describe('createBusTransport', () => {
  it('builds the transport the data describes, snake_case names accepted', async () => {
    const redis = createBusTransport({ redis: { url: 'redis://127.0.0.1:1', dead_letter_suffix: ':dlq' } as never });
    expect(redis).toBeInstanceOf(RedisStreamTransport);
    expect((redis as RedisStreamTransport).deadLetterStream('s')).toBe('s:dlq');
    const nats = createBusTransport({ nats: ['nats://a:4222', 'nats://b:4222'], redis: null });
    expect(nats).toBeInstanceOf(NatsJetStreamTransport);
    await Promise.all([redis.close(), nats.close()]);
  });

  it.each([
    [{}, 'give exactly one of redis: { url } and nats: { servers }'],
    [{ redis: 'redis://x', nats: 'nats://y' }, 'give exactly one of redis: { url } and nats: { servers } (got redis and nats)'],
    [{ redsi: 'redis://x' }, "unknown option 'redsi'; did you mean 'redis'?"],
    [{ redis: { ulr: 'redis://x' } }, "unknown option 'redis.ulr'; did you mean 'redis.url'?"],
    [{ nats: { server: 'nats://x' } }, "unknown option 'nats.server'; did you mean 'nats.servers'?"],
    [{ redis: 'localhost:6379' }, `option 'redis' must be null or a URL such as 'redis://127.0.0.1:6379' or an object, got "localhost:6379" (a string)`],
    [{ redis: { publish_with: 'lua' } }, `option 'redis.publishWith' must be one of "script", "pipeline", got "lua" (a string)`],
    [{ nats: { servers: 'nats://x', storage: 'disk' } }, `option 'nats.storage' must be one of "file", "memory", got "disk" (a string)`],
    [{ redis: { url: 'redis://x', max_length: 500 } }, "redis: maxLength belongs to format 'openedx': give format: 'openedx' too, or leave it out"],
  ])('refuses %j, saying what is wrong', (spec, detail) => {
    expect(messageOf(() => createBusTransport(spec as never))).toBe(`createBusTransport: ${detail}`);
  });
});

describe('the EventBusBackend engine', () => {
  it('refuses a mistake in the transport as data, naming where it is', () => {
    expect(messageOf(() => eventBusBackendEngine({ stream: 's' }))).toBe('EventBusBackend: give exactly one of redis: { url } and nats: { servers }');
    expect(messageOf(() => eventBusBackendEngine({ transport: { redis: 'redis://x', nats: 'nats://y' }, stream: 's' }))).toBe(
      'EventBusBackend: give exactly one of transport.redis: { url } and transport.nats: { servers } (got transport.redis and transport.nats)',
    );
    expect(messageOf(() => eventBusBackendEngine({ transport: { redis: 'redis://x' }, nats: 'nats://y', stream: 's' }))).toBe(
      'EventBusBackend: give transport, or redis / nats as data, not both',
    );
    expect(messageOf(() => eventBusBackendEngine({ transport: { redis: { ulr: 'redis://x' } }, stream: 's' }))).toBe(
      "EventBusBackend: unknown option 'transport.redis.ulr'; did you mean 'transport.redis.url'?",
    );
  });

  it('refuses a rule between two transport options, naming the transport', () => {
    const client = createClient({ url: 'redis://127.0.0.1:1' });
    expect(messageOf(() => eventBusBackendEngine({ redis: { client, url: 'redis://127.0.0.1:6379' }, stream: 's' }))).toBe(
      'EventBusBackend: redis: give client, or url for the client this transport creates, not both',
    );
  });

  it.each([
    [{ redis: { ulr: 'redis://x' } }, "unknown option 'redis.ulr'; did you mean 'redis.url'?"],
    [{ redis: { url: 'redis://x', max_reconect_delay: 5 } }, "unknown option 'redis.max_reconect_delay'; did you mean 'redis.maxReconnectDelay'?"],
    [{ nats: { servers: 'nats://x', duplicate_window: '2m' } }, `option 'nats.duplicateWindow' must be an integer of 1 or more, got "2m" (a string)`],
    [{ transport: { nats: { severs: 'nats://x' } } }, "unknown option 'transport.nats.severs'; did you mean 'transport.nats.servers'?"],
    [{ redis: 'redis://x', batch_size: 0 }, "option 'batchSize' must be an integer of 1 or more, got 0 (a number)"],
  ])('via createTracker, refuses %j naming the nearest name or the type expected', (options, detail) => {
    const config = { backends: { bus: { engine: 'EventBusBackend', options: { stream: 's', ...options } } } };
    expect(messageOf(() => createTracker(config))).toBe(`createTracker: backends.bus (EventBusBackend): ${detail}`);
  });

  it('via createTracker, takes snake_case names at every level', async () => {
    const tracker = createTracker({
      backends: {
        bus: {
          engine: 'EventBusBackend',
          options: { stream: 's', batch_size: 5, close_timeout: 100, transport: { redis: { url: 'redis://127.0.0.1:1', dead_letter_suffix: ':dlq' } } },
        },
      },
    });
    const bus = busOf(tracker);
    expect(bus.closeTimeout).toBe(100);
    expect((bus.transport as RedisStreamTransport).deadLetterStream('s')).toBe('s:dlq');
    await tracker.close();
  });

  it.each([
    [{ redis: { ulr: 'redis://x' } }, "unknown option 'bus.redis.ulr'; did you mean 'bus.redis.url'?"],
    [{ nats: { servers: 'nats://x', strage: 'memory' } }, "unknown option 'bus.nats.strage'; did you mean 'bus.nats.storage'?"],
    [{ transport: { redis: { url: 'redis://x', publishwith: 'script' } } }, "unknown option 'bus.transport.redis.publishwith'; did you mean 'bus.transport.redis.publishWith'?"],
    [{ redis: { url: 'redis://x', report_interval: 'often' } }, `option 'bus.redis.reportInterval' must be an integer of 0 or more, got "often" (a string)`],
    [{ nats: { servers: ['nats://x', 4222] } }, "option 'bus.nats.servers[1]' must be a non-empty string, got 4222 (a number)"],
    [{ redis: { url: 'redis://x', format: 'open-edx' } }, `option 'bus.redis.format' must be one of "envelope", "openedx", got "open-edx" (a string)`],
  ])('via edxDefaults({ bus }), refuses %j at once', (bus, detail) => {
    expect(messageOf(() => edxDefaults({ bus: { stream: 's', ...bus } as never }))).toBe(`edxDefaults: ${detail}`);
  });

  it('via edxDefaults({ bus }), takes snake_case names at every level', async () => {
    const tracker = createTracker(
      edxDefaults({ trackingLog, bus: { stream: 's', close_timeout: 100, redis: { url: 'redis://127.0.0.1:1', dead_letter_suffix: ':dlq' } } as never }),
    );
    const bus = busOf(tracker);
    expect(bus.closeTimeout).toBe(100);
    expect((bus.transport as RedisStreamTransport).deadLetterStream('s')).toBe('s:dlq');
    await tracker.close();
  });
});
