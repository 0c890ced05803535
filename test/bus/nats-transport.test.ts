// NatsJetStreamTransport's options, checked at construction; no broker needed (a
// transport connects on first use). Your own connection beside connection options,
// and the transport's behaviour on a real NATS: test/bus/brokers/nats.test.ts.
import { OptionsError } from '../../src/core/options';
import { NatsJetStreamTransport } from '../../src/bus/nats-transport';

describe('NatsJetStreamTransport options', () => {
  it('refuses a misspelled option, naming the nearest valid one', () => {
    expect(() => new NatsJetStreamTransport({ server: 'nats://x' } as never)).toThrow(
      new OptionsError('NatsJetStreamTransport', "unknown option 'server'; did you mean 'servers'?"),
    );
    expect(() => new NatsJetStreamTransport({ duplicate_window: 1000 } as never)).toThrow(
      "NatsJetStreamTransport: unknown option 'duplicate_window'; did you mean 'duplicateWindow'?",
    );
  });

  it.each([
    [{ servers: 4222 }, "option 'servers' must be a non-empty string or an array of items that are each a non-empty string, got 4222 (a number)"],
    [{ servers: ['nats://a:4222', ''] }, `option 'servers[1]' must be a non-empty string, got "" (a string)`],
    [{ storage: 'disk' }, `option 'storage' must be one of "file", "memory", got "disk" (a string)`],
    [{ duplicateWindow: 0 }, "option 'duplicateWindow' must be an integer of 1 or more, got 0 (a number)"],
    [{ publishTimeout: 2.5 }, "option 'publishTimeout' must be an integer of 1 or more, got 2.5 (a number)"],
    [{ streamConfig: ['max_age'] }, `option 'streamConfig' must be an object of JetStream stream settings, got ["max_age"] (an array)`],
    [{ connectionOptions: null }, "option 'connectionOptions' must be an object of connect() options, got null"],
    [{ connection: {} }, "option 'connection' must be a NATS connection (connect() of the nats package), got {} (an object)"],
  ])('refuses a wrong value, saying what it takes: %j', (options, detail) => {
    expect(() => new NatsJetStreamTransport(options as never)).toThrow(new OptionsError('NatsJetStreamTransport', detail));
  });

  it('takes the options it accepts, and exposes its schema', async () => {
    const transport = new NatsJetStreamTransport({ servers: ['nats://a:4222', 'nats://b:4222'], storage: 'memory', duplicateWindow: 60000, streamConfig: { max_age: 1e12 } });
    expect(transport.deadLetterSubject('edx_events')).toBe('edx_events.dead');
    await transport.close();
    expect(NatsJetStreamTransport.options.component).toBe('NatsJetStreamTransport');
    expect(NatsJetStreamTransport.options.names).toEqual(
      expect.arrayContaining(['servers', 'connection', 'connectionOptions', 'duplicateWindow', 'storage', 'streamConfig', 'publishTimeout', 'onError']),
    );
  });
});
