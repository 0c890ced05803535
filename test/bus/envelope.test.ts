// The bus envelope: an event as JSON, its dates kept.
import { EventTime } from '../../src/encoding/timestamp';
import { decodeEnvelope, encodeEnvelope } from '../../src/bus/envelope';

describe('the envelope', () => {
  it('brings dates back as EventTimes with their microseconds, and leaves date-like strings alone', () => {
    const event = {
      name: 'x',
      timestamp: new EventTime(Date.UTC(2024, 1, 29, 23, 59, 59, 999), 999),
      data: { at: [new Date(0), { deep: new EventTime(1, 2) }], text: '2024-01-01T00:00:00+00:00' },
      context: { __proto__: 'plain data' } as Record<string, unknown>,
    };
    const decoded = decodeEnvelope(encodeEnvelope('the-id', event));
    expect(decoded.id).toBe('the-id');
    const back = decoded.event as typeof event;
    expect(back.timestamp).toBeInstanceOf(EventTime);
    expect(back.timestamp.toJSON()).toBe('2024-02-29T23:59:59.999999+00:00');
    expect((back.data.at[0] as Date).toJSON()).toBe('1970-01-01T00:00:00+00:00');
    expect(((back.data.at[1] as { deep: EventTime }).deep as EventTime).microsecond).toBe(2);
    expect(back.data.text).toBe('2024-01-01T00:00:00+00:00');
    expect(Object.getPrototypeOf(back.context)).toBe(Object.prototype);
  });

  it('refuses what it cannot encode or decode, saying why', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEnvelope('a', { data: cyclic })).toThrow(TypeError);
    expect(() => decodeEnvelope('{"v":2,"id":"a","event":{}}')).toThrow(/version 2/);
    expect(() => decodeEnvelope('{"v":1,"event":{}}')).toThrow(/no id/);
    expect(() => decodeEnvelope('not json')).toThrow();
  });
});
