// Invalid Segment messages (EDX-BEHAVIOR §4.3 steps 2, 7, 9): each is answered 200
// with an empty body, emits nothing, and is reported exactly once to the tracker's
// onError with Open edX's message. Ported from test_segmentio.py (the
// expect_failure_with_message cases) on an Express 5 app.
import { SEGMENTIO_ERRORS } from '../../src/views/segmentio';
import { EVENT_NAME, USER_ID, USERNAME, expectRefused, expectRefusedWhatever, makeHarness, onlyLegacy, postMessage, segmentMessage, type Harness, type Message } from './helpers';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});

/** A sample message changed by `change`. */
function changed(change: (message: Message) => void): Message {
  const message = segmentMessage();
  change(message);
  return message;
}

describe('properties and name', () => {
  it.each([
    ['missing (test_segmentio_ignore_missing_properties_entry)', (m: Message) => delete m.properties],
    ['null (test_segmentio_ignore_null_properties_entry)', (m: Message) => (m.properties = null)],
    ['a string', (m: Message) => (m.properties = 'name')],
  ])('reports MISSING_NAME when properties is %s', async (_what, change) => {
    await postMessage(h, changed(change));
    expectRefused(h, SEGMENTIO_ERRORS.MISSING_NAME);
  });

  it('reports MISSING_NAME without a name (test_missing_name), naming no event', async () => {
    await postMessage(h, segmentMessage({ excludeName: true }));
    // The report's eventName is undefined, not the string 'undefined'.
    expectRefused(h, 'The name field must be specified in the properties dictionary', undefined);
  });

  it('reports MISSING_NAME for a label other than the forum-thread one', async () => {
    await postMessage(h, segmentMessage({ excludeName: true, label: 'Forum: View Topic' }));
    expectRefusedWhatever(h, SEGMENTIO_ERRORS.MISSING_NAME);
  });

  it.each([
    ['null', null],
    ['a number', 42],
  ])('refuses a name that is %s (Open edX would emit it with an empty disallowed list)', async (_what, name) => {
    await postMessage(h, segmentMessage({ name }));
    // A name that is not a string is no event name: the report carries none.
    expectRefused(h, 'The name field must be a string', undefined);
  });
});

describe('data (properties.data)', () => {
  it('reports MISSING_DATA without data (test_missing_data)', async () => {
    await postMessage(h, changed((m) => delete m.properties.data));
    expectRefused(h, SEGMENTIO_ERRORS.MISSING_DATA, EVENT_NAME);
  });

  it.each([
    ['null', null],
    ['a string', 'a string'],
    ['a list', ['a', 'list']],
    ['a number', 3],
  ])('reports INVALID_DATA_FIELD_TYPE when data is %s (test_invalid_data_field_type)', async (_what, data) => {
    await postMessage(h, segmentMessage({ data }));
    expectRefused(h, 'The properties.data field is not a dict.', EVENT_NAME);
  });

  it('checks data after the name', async () => {
    await postMessage(h, changed((m) => {
      delete m.properties.name;
      delete m.properties.data;
    }));
    expectRefusedWhatever(h, SEGMENTIO_ERRORS.MISSING_NAME);
  });
});

describe('properties.context', () => {
  it.each([
    ['null', null],
    ['a string', 'a string'],
    ['a list', ['a', 'list']],
  ])('reports INVALID_CONTEXT_FIELD_TYPE when it is %s (test_invalid_context_field_type)', async (_what, context) => {
    await postMessage(h, changed((m) => (m.properties.context = context)));
    expectRefused(h, 'The properties.context field is not a dict.', EVENT_NAME);
  });

  it('accepts a message without properties.context', async () => {
    await postMessage(h, changed((m) => delete m.properties.context));
    expect(onlyLegacy(h).name).toBe(EVENT_NAME);
  });
});

describe('userId', () => {
  it.each([
    ['missing', undefined],
    ['null', null],
    ['0', 0],
    ["''", ''],
  ])('reports MISSING_USER_ID when it is %s', async (_what, userId) => {
    const message = segmentMessage({ userId });
    if (userId === undefined) delete message.userId;
    await postMessage(h, message);
    expectRefused(h, 'Required user_id missing from context', EVENT_NAME);
  });

  it.each([
    ["'foobar' (test_invalid_user_id)", 'foobar'],
    ["'1e1'", '1e1'],
    ["'10abc'", '10abc'],
    ['10.5 (Django would take it as int(10.5) = 10)', 10.5],
    ['true (Django would take it as user 1)', true],
  ])('reports INVALID_USER_ID when it is %s', async (_what, userId) => {
    await postMessage(h, segmentMessage({ userId }));
    expectRefused(h, SEGMENTIO_ERRORS.INVALID_USER_ID, EVENT_NAME);
  });

  it('reports USER_NOT_EXIST when lookupUser finds nobody (test_no_user_for_user_id)', async () => {
    await postMessage(h, segmentMessage({ userId: 40 }));
    expectRefused(h, 'Specified user does not exist', EVENT_NAME);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a promise of null', Promise.resolve(null)],
  ])('reports USER_NOT_EXIST when lookupUser returns %s', async (_what, result) => {
    await postMessage(h, segmentMessage(), { lookupUser: () => result });
    expectRefused(h, SEGMENTIO_ERRORS.USER_NOT_EXIST, EVENT_NAME);
  });

  it.each([
    ["'10' (test_string_user_id)", '10'],
    ["' 10 ' (Python's int() strips blanks)", ' 10 '],
    ["'+10'", '+10'],
    ['10', 10],
  ])('passes %s to lookupUser as the integer 10', async (_what, userId) => {
    const lookupUser = jest.fn((id: number) => ({ id, username: USERNAME }));
    await postMessage(h, segmentMessage({ userId }), { lookupUser });
    expect(lookupUser.mock.calls).toEqual([[USER_ID]]);
    expect(onlyLegacy(h)).toMatchObject({ username: USERNAME, context: { user_id: USER_ID } });
  });

  it('waits for an async lookupUser', async () => {
    const lookupUser = (id: number) => new Promise<{ id: number; username: string }>((resolve) => setTimeout(() => resolve({ id, username: 'alice' }), 20));
    await postMessage(h, segmentMessage(), { lookupUser });
    expect(onlyLegacy(h)).toMatchObject({ username: 'alice', context: { user_id: USER_ID } });
  });

  it("takes user_id and username from the user found (user.id, user.username)", async () => {
    await postMessage(h, segmentMessage({ userId: '7' }), { lookupUser: () => ({ id: 'pk-7', username: 'bob' }) });
    expect(onlyLegacy(h)).toMatchObject({ username: 'bob', context: { user_id: 'pk-7' } });
  });

  it("without lookupUser, takes the integer id as user_id and '' as username", async () => {
    await postMessage(h, segmentMessage({ userId: '10' }), { lookupUser: undefined });
    const event = onlyLegacy(h);
    expect(event.username).toBe('');
    expect(event.context).toMatchObject({ user_id: 10 });
  });

  it('does not look the user up for an event refused before (the data first)', async () => {
    const lookupUser = jest.fn(() => ({ id: USER_ID, username: USERNAME }));
    await postMessage(h, segmentMessage({ data: 'a string' }), { lookupUser });
    expect(lookupUser).not.toHaveBeenCalled();
    expectRefused(h, SEGMENTIO_ERRORS.INVALID_DATA_FIELD_TYPE, EVENT_NAME);
  });
});

describe('timestamp and receivedAt', () => {
  it('reports MISSING_TIMESTAMP (test_missing_timestamp)', async () => {
    await postMessage(h, changed((m) => delete m.timestamp));
    expectRefused(h, 'Required timestamp field not found', EVENT_NAME);
  });

  it('reports MISSING_RECEIVED_AT (test_missing_received_at)', async () => {
    await postMessage(h, changed((m) => delete m.receivedAt));
    expectRefused(h, 'Required receivedAt field not found', EVENT_NAME);
  });

  it('reports the timestamp first when both are missing', async () => {
    await postMessage(h, changed((m) => {
      delete m.timestamp;
      delete m.receivedAt;
    }));
    expectRefused(h, SEGMENTIO_ERRORS.MISSING_TIMESTAMP, EVENT_NAME);
  });

  it.each([
    ['text', 'not a date', 'Unable to parse timestamp: "not a date"'],
    ['month 13', '2014-13-27T16:33:39.215Z', 'Unable to parse timestamp: "2014-13-27T16:33:39.215Z"'],
    ['a number', 1409157219215, 'Unable to parse timestamp: 1409157219215'],
    ['null', null, 'Unable to parse timestamp: null'],
  ])('reports (not a 5xx) a timestamp that is %s', async (_what, timestamp, message) => {
    await postMessage(h, changed((m) => (m.timestamp = timestamp)));
    expectRefused(h, message, EVENT_NAME);
  });

  it('reports an unparseable receivedAt', async () => {
    await postMessage(h, changed((m) => (m.receivedAt = 'yesterday')));
    expectRefused(h, 'Unable to parse receivedAt: "yesterday"', EVENT_NAME);
  });
});

describe('reporting', () => {
  it('reports each invalid request once, and a later valid one still goes through', async () => {
    await postMessage(h, segmentMessage({ userId: 'foobar' }));
    await postMessage(h, segmentMessage({ userId: 40 }));
    expect(h.failures.map((f) => f.error.message)).toEqual([SEGMENTIO_ERRORS.INVALID_USER_ID, SEGMENTIO_ERRORS.USER_NOT_EXIST]);
    expect(h.tracker.stats.failures).toBe(2);
    h.failures.length = 0;
    await postMessage(h, segmentMessage());
    expect(onlyLegacy(h).name).toBe(EVENT_NAME);
  });
});
