// The consumer's options, checked before it reads anything; no broker needed. Its
// delivery on real brokers: test/bus/brokers.
import { hostname } from 'node:os';
import { MemoryBackend } from '../../src/backends/memory';
import { OptionsError } from '../../src/core/options';
import { createEventBusConsumer, EventBusConsumer } from '../../src/bus/consumer';
import { scriptedTransport } from './support/scripted-transport';

const { transport } = scriptedTransport(async () => undefined);
const required = { transport, stream: 'edx:events', group: 'central' };

describe('EventBusConsumer options', () => {
  it('refuses a misspelled option, naming the nearest valid one', () => {
    expect(() => createEventBusConsumer({ ...required, batchsize: 50 } as never)).toThrow(
      new OptionsError('createEventBusConsumer', "unknown option 'batchsize'; did you mean 'batchSize'?"),
    );
    expect(() => new EventBusConsumer({ ...required, claimIdle: 1000 } as never)).toThrow(
      "createEventBusConsumer: unknown option 'claimIdle'; did you mean 'claimIdleMs'?",
    );
  });

  it.each([
    [{ claimIdleMs: 0 }, "option 'claimIdleMs' must be an integer of 1 or more, got 0 (a number)"],
    [{ maxMessageBytes: 0 }, "option 'maxMessageBytes' must be an integer of 1 or more, got 0 (a number)"],
    [{ batchSize: '100' }, `option 'batchSize' must be an integer of 1 or more, got "100" (a string)`],
    [{ retryDelay: -1 }, "option 'retryDelay' must be an integer of 0 or more, got -1 (a number)"],
    [{ dedupeWindow: 1.5 }, "option 'dedupeWindow' must be an integer of 0 or more, got 1.5 (a number)"],
    [{ consumer: '' }, `option 'consumer' must be a non-empty string, got "" (a string)`],
    [{ failClosed: 'yes' }, `option 'failClosed' must be true or false, got "yes" (a string)`],
    [{ backends: { logs: {} } }, "option 'backends.logs' must be a backend (an object with send(event)), got {} (an object)"],
    [{ processors: [42] }, "option 'processors[0]' must be a processor (a function, or an object with process(event)), got 42 (a number)"],
    [{ transport: { publish: () => undefined } }, "option 'transport' must be a bus transport (for example new RedisStreamTransport({ url })), got {} (an object)"],
    [{ group: undefined }, "option 'group' is required: the name of the consumer group, such as 'central'"],
    [{ stream: undefined }, "option 'stream' is required: the name of the bus stream, such as 'edx:events'"],
    [{ transport: undefined }, "option 'transport' is required: the broker, for example new RedisStreamTransport({ url })"],
  ])('refuses a wrong or missing value, saying what it takes: %j', (options, detail) => {
    expect(() => new EventBusConsumer({ ...required, ...options } as never)).toThrow(new OptionsError('createEventBusConsumer', detail));
  });

  it('fills in the defaults', () => {
    const consumer = new EventBusConsumer({ ...required, claimIdleMs: 1000 });
    expect(consumer.settings).toMatchObject({
      consumer: `${hostname()}-${process.pid}`,
      batchSize: 100,
      blockMs: 1000,
      maxAttempts: 5,
      maxMessageBytes: 1048576,
      retryDelay: 500,
      maxRetryDelay: 10000,
      claimIdleMs: 1000,
      claimInterval: 500,
      dedupeWindow: 100000,
      flushTimeout: 30000,
      failClosed: false,
      closeBackends: true,
      closeTransport: true,
      reportInterval: 5000,
      backends: {},
      processors: [],
    });
    expect(new EventBusConsumer({ ...required, claimIdleMs: 50 }).settings.claimInterval).toBe(100);
  });

  it('takes the options given', () => {
    const memory = new MemoryBackend();
    const settings = new EventBusConsumer({ ...required, consumer: 'c1', backends: { memory }, batchSize: 7, claimIdleMs: 5000, claimInterval: 250 }).settings;
    expect(settings).toMatchObject({ consumer: 'c1', batchSize: 7, claimIdleMs: 5000, claimInterval: 250 });
    expect(settings.backends.memory).toBe(memory);
    expect(EventBusConsumer.options.component).toBe('createEventBusConsumer');
  });
});
