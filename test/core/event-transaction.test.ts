import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend, openContextFrame, Tracker } from '../../src';
import {
  createNewEventTransactionId,
  eventTransactionFields,
  getEventTransactionId,
  getEventTransactionType,
  setEventTransactionId,
  setEventTransactionType,
} from '../../src/core/event-transaction';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event transactions', () => {
  it('are unset (null) in a new frame', () => {
    openContextFrame(() => {
      expect(getEventTransactionId()).toBeNull();
      expect(getEventTransactionType()).toBeNull();
    });
  });

  it('createNewEventTransactionId stores and returns a new random UUID', () => {
    openContextFrame(() => {
      const id = createNewEventTransactionId();
      expect(id).toMatch(UUID_V4);
      expect(getEventTransactionId()).toBe(id);
      expect(createNewEventTransactionId()).not.toBe(id);
    });
  });

  it('setEventTransactionId takes any UUID form Python UUID() takes and stores str(UUID(s))', () => {
    const canonical = '8a8bcd2c-1f3b-11ee-be56-0242ac120002';
    for (const text of [
      canonical,
      '8A8BCD2C-1F3B-11EE-BE56-0242AC120002',
      '8a8bcd2c1f3b11eebe560242ac120002',
      '{8a8bcd2c-1f3b-11ee-be56-0242ac120002}',
      'urn:uuid:8a8bcd2c-1f3b-11ee-be56-0242ac120002',
      '{urn:uuid:8A8BCD2C1F3B11EEBE560242AC120002}',
      '8a8b-cd2c-1f3b-11ee-be56-0242-ac12-0002',
    ]) {
      openContextFrame(() => {
        setEventTransactionId(text);
        expect(getEventTransactionId()).toBe(canonical);
      });
    }
    openContextFrame(() => {
      setEventTransactionId('00000000-0000-0000-0000-000000000000');
      expect(getEventTransactionId()).toBe('00000000-0000-0000-0000-000000000000');
    });
  });

  it('setEventTransactionId refuses what is not a UUID, naming it, and keeps the previous id', () => {
    openContextFrame(() => {
      const id = createNewEventTransactionId();
      for (const bad of ['', 'None', 'not-a-uuid', '8a8bcd2c-1f3b-11ee-be56-0242ac12000', '8a8bcd2c-1f3b-11ee-be56-0242ac1200020', 'g'.repeat(32)]) {
        expect(() => setEventTransactionId(bad)).toThrow(new TypeError(`setEventTransactionId: ${JSON.stringify(bad)} is not a valid UUID (badly formed hexadecimal UUID string)`));
      }
      for (const bad of [null, undefined, 42, {}]) {
        expect(() => setEventTransactionId(bad as never)).toThrow(TypeError);
        expect(() => setEventTransactionId(bad as never)).toThrow('setEventTransactionId: expected a UUID string, got');
      }
      expect(getEventTransactionId()).toBe(id);
    });
  });

  it('setEventTransactionType stores a string, null unsets it, anything else throws', () => {
    openContextFrame(() => {
      setEventTransactionType('edx.grades.problem.submitted');
      expect(getEventTransactionType()).toBe('edx.grades.problem.submitted');
      setEventTransactionType(null);
      expect(getEventTransactionType()).toBeNull();
      expect(() => setEventTransactionType(3 as never)).toThrow('setEventTransactionType: expected a string or null, got number 3');
    });
  });

  it('are gone after the frame, and what a nested frame sets stays in it', () => {
    let outer = '';
    openContextFrame(() => {
      outer = createNewEventTransactionId();
      setEventTransactionType('outer');
      openContextFrame(() => {
        expect(getEventTransactionId()).toBe(outer);
        expect(getEventTransactionType()).toBe('outer');
        createNewEventTransactionId();
        setEventTransactionType('inner');
      });
      expect(getEventTransactionId()).toBe(outer);
      expect(getEventTransactionType()).toBe('outer');
    });
    openContextFrame(() => expect(getEventTransactionId()).toBeNull());
    expect(outer).toMatch(UUID_V4);
  });

  it('stay with their frame across awaits, isolated between 200 concurrent flows', async () => {
    const random = () => sleep(Math.floor(Math.random() * 5));
    const seen = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        openContextFrame(async () => {
          await random();
          const id = i % 3 === 0 ? createNewEventTransactionId() : `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
          if (i % 3 !== 0) setEventTransactionId(id);
          setEventTransactionType(`type-${i}`);
          const observed: Array<[string | null, string | null]> = [];
          for (let step = 0; step < 5; step++) {
            await random();
            observed.push([getEventTransactionId(), getEventTransactionType()]);
          }
          return { id, type: `type-${i}`, observed };
        }),
      ),
    );
    for (const { id, type, observed } of seen) {
      expect(observed).toEqual(Array.from({ length: 5 }, () => [id, type]));
    }
    expect(new Set(seen.map((s) => s.id)).size).toBe(200);
    expect(getEventTransactionId()).toBeNull();
  });

  describe('at the root (outside any frame)', () => {
    afterEach(() => setEventTransactionType(null));

    it('live in the root frame like a module global, and never leak into a frame opened later', async () => {
      const id = createNewEventTransactionId();
      setEventTransactionType('root');
      expect(getEventTransactionId()).toBe(id);
      openContextFrame(() => {
        expect(getEventTransactionId()).toBeNull();
        expect(getEventTransactionType()).toBeNull();
        setEventTransactionType('request');
        expect(getEventTransactionType()).toBe('request');
      });
      await sleep(1);
      expect(getEventTransactionId()).toBe(id);
      expect(getEventTransactionType()).toBe('root');
    });
  });

  it('eventTransactionFields gives the data fields Open edX emitters write, "None" when unset (Python str(None))', () => {
    const backend = new MemoryBackend();
    const tracker = new Tracker({ backends: { mem: backend } });
    openContextFrame(() => {
      expect(eventTransactionFields()).toEqual({ event_transaction_id: 'None', event_transaction_type: 'None' });
      // What a naive port writes instead:
      expect(String(getEventTransactionId())).toBe('null');
      const id = createNewEventTransactionId();
      setEventTransactionType('edx.grades.problem.submitted');
      tracker.emit('edx.grades.problem.submitted', { problem_id: 'p', ...eventTransactionFields() });
      expect(backend.events[0]!.data).toEqual({ problem_id: 'p', event_transaction_id: id, event_transaction_type: 'edx.grades.problem.submitted' });
    });
  });
});
