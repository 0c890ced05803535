// RedisStreamTransport's options, checked at construction; no broker needed (a
// transport connects on first use). Its behaviour on a real Redis: test/bus/brokers.
import { createClient } from 'redis';
import { OptionsError } from '../../src/core/options';
import { RedisStreamTransport, type RedisStreamTransportOptions } from '../../src/bus/redis-transport';

/** A transport built from `options`, closed at once (it never connected). */
async function built(options: RedisStreamTransportOptions): Promise<RedisStreamTransport> {
  const transport = new RedisStreamTransport(options);
  await transport.close();
  return transport;
}

describe('RedisStreamTransport options', () => {
  it('refuses a misspelled option, naming the nearest valid one', () => {
    expect(() => new RedisStreamTransport({ ulr: 'redis://x' } as never)).toThrow(
      new OptionsError('RedisStreamTransport', "unknown option 'ulr'; did you mean 'url'?"),
    );
    // In code the names are camelCase: a snake_case one is a misspelling there.
    expect(() => new RedisStreamTransport({ dead_letter_suffix: ':dlq' } as never)).toThrow(
      "RedisStreamTransport: unknown option 'dead_letter_suffix'; did you mean 'deadLetterSuffix'?",
    );
  });

  it.each([
    [{ url: 6379 }, "option 'url' must be a URL such as 'redis://127.0.0.1:6379', got 6379 (a number)"],
    [{ url: 'localhost:6379' }, `option 'url' must be a URL such as 'redis://127.0.0.1:6379', got "localhost:6379" (a string)`],
    [{ publishWith: 'lua' }, `option 'publishWith' must be one of "script", "pipeline", got "lua" (a string)`],
    [{ maxReconnectDelay: 0 }, "option 'maxReconnectDelay' must be an integer of 1 or more, got 0 (a number)"],
    [{ deadLetterSuffix: '' }, `option 'deadLetterSuffix' must be a non-empty string, got "" (a string)`],
    [{ reportInterval: '5s' }, `option 'reportInterval' must be an integer of 0 or more, got "5s" (a string)`],
    [{ clientOptions: 'tls' }, `option 'clientOptions' must be an object of createClient options, got "tls" (a string)`],
    [{ client: { isOpen: false } }, `option 'client' must be a node-redis client (createClient() of the redis package, v5 or later), got {"isOpen":false} (an object)`],
    [{ onError: 'stderr' }, `option 'onError' must be a function, got "stderr" (a string)`],
  ])('refuses a wrong value, saying what it takes: %j', (options, detail) => {
    expect(() => new RedisStreamTransport(options as never)).toThrow(new OptionsError('RedisStreamTransport', detail));
  });

  it('refuses options for a client of its own beside your client', () => {
    const client = createClient({ url: 'redis://127.0.0.1:1' });
    expect(() => new RedisStreamTransport({ client, url: 'redis://127.0.0.1:6379', maxReconnectDelay: 500 })).toThrow(
      'RedisStreamTransport: give client, or url and maxReconnectDelay for the client this transport creates, not both',
    );
  });

  it('takes the options it accepts', async () => {
    const transport = await built({ url: 'rediss://bus.internal:6380', deadLetterSuffix: ':dlq', publishWith: 'pipeline', maxReconnectDelay: 500 });
    expect(transport.deadLetterStream('edx:events')).toBe('edx:events:dlq');
    expect((await built({ client: createClient({ url: 'redis://127.0.0.1:1' }) })).kind).toBe('redis');
  });

  it('exposes its schema, with which createTracker checks configuration data', () => {
    expect(RedisStreamTransport.options.component).toBe('RedisStreamTransport');
    expect(RedisStreamTransport.options.names).toEqual(
      expect.arrayContaining(['url', 'client', 'clientOptions', 'maxReconnectDelay', 'deadLetterSuffix', 'publishWith', 'onError', 'reportInterval']),
    );
  });
});
