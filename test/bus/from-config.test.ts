// The bus as configuration data: transports built from { redis } / { nats }, and the
// EventBusBackend engine of createTracker.
import { createBusTransport, eventBusBackendEngine } from '../../src/bus/from-config';

describe('transports as data', () => {
  it('builds transports from data, and says what is wrong', () => {
    expect(() => createBusTransport({})).toThrow(/give exactly one of redis: \{ url \} and nats: \{ servers \}/);
    expect(() => createBusTransport({ redis: 'redis://x', nats: 'nats://y' })).toThrow(/got redis and nats/);
    expect(() => eventBusBackendEngine({ stream: 's' })).toThrow(/EventBusBackend: give exactly one of/);
    const bus = eventBusBackendEngine({ redis: { url: 'redis://127.0.0.1:1' }, stream: 's', batchSize: 5 });
    expect(bus.transport.kind).toBe('redis');
    return bus.transport.close();
  });
});
