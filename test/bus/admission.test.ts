// What the consumer refuses before decoding a message: too large, or delivered too often.
import { refusalOf } from '../../src/bus/admission';
import { entriesToMessages } from '../../src/bus/redis-replies';

const limits = { maxMessageBytes: 10, maxAttempts: 3 };
const message = (body: string | null, deliveries = 1, extra: object = {}) => ({ ref: '1-0', id: 'e', body, deliveries, ...extra });

describe('refusalOf', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(refusalOf(message('x'.repeat(10)), limits)).toBeUndefined();
    expect(refusalOf(message('é'.repeat(6)), limits)).toBe('too large: 12 bytes, more than maxMessageBytes (10)');
  });

  it('takes the size the transport measured, and refuses a body the transport withheld', () => {
    expect(refusalOf(message('short', 1, { bytes: 11 }), limits)).toBe('too large: 11 bytes, more than maxMessageBytes (10)');
    expect(refusalOf(message(null, 1, { bytes: 4096, withheld: true }), limits)).toBe('too large: 4096 bytes, more than maxMessageBytes (10)');
  });

  it('refuses a message delivered more than maxAttempts times, not one delivered exactly that often', () => {
    expect(refusalOf(message('{}', 3), limits)).toBeUndefined();
    expect(refusalOf(message('{}', 4), limits)).toBe(
      'delivered 4 times, more than maxAttempts (3), without being settled: a consumer may have died handling it',
    );
    expect(refusalOf(message('{}', 0), limits)).toBeUndefined(); // a transport that cannot tell
  });
});

describe('Redis entries with a withheld body', () => {
  it('come back with their size and no body; a trimmed entry stays a null body, not withheld', () => {
    const [withheld, trimmed, whole] = entriesToMessages(
      [
        ['1-0', ['id', 'a', 'body_bytes', '2000000']],
        ['2-0', null],
        ['3-0', ['id', 'c', 'body', '{}']],
      ],
      0,
    );
    expect(withheld).toEqual({ ref: '1-0', id: 'a', body: null, deliveries: 0, bytes: 2000000, withheld: true });
    expect(trimmed).toEqual({ ref: '2-0', id: '', body: null, deliveries: 0 });
    expect(whole).toEqual({ ref: '3-0', id: 'c', body: '{}', deliveries: 0 });
  });
});
