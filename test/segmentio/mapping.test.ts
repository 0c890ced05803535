// How a Segment message becomes an event (EDX-BEHAVIOR §4.3 steps 1-11 and the
// legacy shim of §2.3), through an Express 5 app: the raw event emitted in
// 'edx.segmentio' and the tracking.log event LegacyFieldMappingProcessor makes of it.
// Ported from test_segmentio.py (test_success, test_invalid_course_id, the ignore
// cases) plus the mapping rules of segmentio.py that its tests leave out.
import { encodeJson } from '../../src';
import {
  DEVICE_TIME_ISO,
  EVENT_NAME,
  RECEIVED_AT_ISO,
  USER_AGENT,
  USER_ID,
  USERNAME,
  asLogged,
  expectIgnored,
  makeHarness,
  onlyLegacy,
  onlyRaw,
  postMessage,
  segmentMessage,
  type Harness,
  type Message,
} from './helpers';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});

const CLIENT = { library: { name: 'test-app', version: 'unknown' }, app: { version: '1.0.1' } };
const APPLICATION = { name: 'edx.mobile.android', version: '1.0.1' };

describe('test_success', () => {
  it.each(['foo/bar/baz', 'course-v1:foo+bar+baz'])('records the event of course %s as Open edX does', async (courseId) => {
    await postMessage(h, segmentMessage({ data: { foo: 'bar' }, courseId }));
    expect(asLogged(onlyLegacy(h))).toEqual({
      name: EVENT_NAME,
      context: {
        user_id: USER_ID,
        path: '/segmentio/event',
        course_id: courseId,
        org_id: 'foo',
        enterprise_uuid: '',
        application: APPLICATION,
        client: CLIENT,
        received_at: RECEIVED_AT_ISO,
      },
      username: USERNAME,
      session: '',
      ip: '',
      agent: USER_AGENT,
      host: '127.0.0.1',
      referer: '',
      accept_language: '',
      event: { foo: 'bar' },
      time: DEVICE_TIME_ISO,
      event_type: EVENT_NAME,
      event_source: 'mobile',
      page: null,
    });
  });

  it('writes the tracking.log line in the legacy key order, Python-encoded', async () => {
    await postMessage(h, segmentMessage({ data: { foo: 'bar' }, courseId: 'foo/bar/baz' }));
    expect(encodeJson(onlyLegacy(h), 'python')).toBe(
      '{"name": "sentinel.name", "context": {"user_id": 10, "path": "/segmentio/event", "course_id": "foo/bar/baz", "org_id": "foo", ' +
        '"enterprise_uuid": "", "application": {"name": "edx.mobile.android", "version": "1.0.1"}, "client": {"library": {"name": "test-app", ' +
        '"version": "unknown"}, "app": {"version": "1.0.1"}}, "received_at": "2014-08-27T16:33:39.100000+00:00"}, "username": "sentinel.username", ' +
        '"session": "", "ip": "", "agent": "sentinel.user_agent", "host": "127.0.0.1", "referer": "", "accept_language": "", "event": {"foo": "bar"}, ' +
        '"time": "2014-08-27T16:33:39.215000+00:00", "event_type": "sentinel.name", "event_source": "mobile", "page": null}',
    );
  });

  it("emits the raw event in 'edx.segmentio' over the request context", async () => {
    await postMessage(h, segmentMessage({ data: { foo: 'bar' }, courseId: 'foo/bar/baz' }));
    const raw = asLogged(onlyRaw(h)) as { context: Record<string, unknown> };
    expect(raw).toEqual({ name: EVENT_NAME, timestamp: '2013-10-03T08:24:55+00:00', data: { foo: 'bar' }, context: expect.any(Object) });
    // The request's keys first (edx.request), then the new ones edx.segmentio adds.
    expect(Object.keys(raw.context)).toEqual([
      'session', 'user_id', 'username', 'ip', 'host', 'agent', 'path', 'referer', 'accept_language', 'client_id', 'course_id', 'org_id',
      'enterprise_uuid', 'event_source', 'application', 'client', 'timestamp', 'received_at',
    ]);
    expect(raw.context).toMatchObject({ event_source: 'mobile', timestamp: DEVICE_TIME_ISO, received_at: RECEIVED_AT_ISO, client_id: null });
  });
});

describe('the request context underneath', () => {
  it('keeps the request fields the message does not set, and lets the message win on the others', async () => {
    const headers = { 'User-Agent': 'Segment.io/1.0', Referer: 'https://segment.example/', 'Accept-Language': 'fr-FR', 'X-Forwarded-For': '9.9.9.9' };
    await postMessage(h, segmentMessage({ context: { ip: '1.2.3.4' } }), {}, headers);
    const event = onlyLegacy(h);
    expect(event).toMatchObject({ host: '127.0.0.1', referer: 'https://segment.example/', accept_language: 'fr-FR', context: { path: '/segmentio/event' } });
    expect(event).toMatchObject({ agent: USER_AGENT, ip: '1.2.3.4', username: USERNAME, context: { user_id: USER_ID } });
  });

  it("sets ip '' without properties.context.ip, hiding the request's address", async () => {
    await postMessage(h, segmentMessage(), {}, { 'X-Forwarded-For': '9.9.9.9' });
    expect(onlyLegacy(h).ip).toBe('');
  });

  it('leaves the layer when the request ends: a later event of another flow has no segmentio fields', async () => {
    await postMessage(h, segmentMessage());
    h.tracker.emit('after', {});
    expect(h.raw.events[1]?.context).toEqual({});
  });
});

describe('source map (context.library.name)', () => {
  it.each(['analytics-android', 'analytics-ios'])('maps %s to event_source mobile by default', async (libraryName) => {
    await postMessage(h, segmentMessage({ libraryName }), { sourceMap: undefined });
    expect(onlyLegacy(h).event_source).toBe('mobile');
  });

  it('ignores the test library under the default map', async () => {
    await postMessage(h, segmentMessage(), { sourceMap: undefined });
    expectIgnored(h);
  });

  it('takes event_source from a custom map', async () => {
    await postMessage(h, segmentMessage(), { sourceMap: { 'test-app': 'tablet' } });
    expect(onlyLegacy(h).event_source).toBe('tablet');
  });

  it.each([
    ['an unknown library (test_segmentio_ignore_unknown_libraries)', { libraryName: 'foo' }, undefined],
    ['a library mapped to an empty source', {}, { 'test-app': '' }],
    ['a library named after an Object.prototype member', { libraryName: 'constructor' }, undefined],
  ])('ignores silently %s', async (_what, messageOptions, sourceMap) => {
    await postMessage(h, segmentMessage(messageOptions), sourceMap ? { sourceMap } : {});
    expectIgnored(h);
  });

  it.each([
    ['missing (test_segmentio_ignore_missing_context_entry)', (m: Message) => delete m.context],
    ['null (test_segmentio_ignore_null_context_entry)', (m: Message) => (m.context = null)],
    ['without a library (test_segmentio_ignore_missing_library_entry)', (m: Message) => delete m.context.library],
    ['with a null library (test_segmentio_ignore_null_library_entry)', (m: Message) => (m.context.library = null)],
    ['with a library without a name', (m: Message) => delete m.context.library.name],
  ])('ignores silently a message whose context is %s', async (_what, change) => {
    const message = segmentMessage();
    change(message);
    await postMessage(h, message);
    expectIgnored(h);
  });

  it("does not take a missing or null library name for the key 'undefined' or 'null'", async () => {
    const sourceMap = { undefined: 'mobile', null: 'mobile' };
    const missing = segmentMessage();
    delete missing.context.library.name;
    await postMessage(h, missing, { sourceMap });
    const nullName = segmentMessage();
    nullName.context.library.name = null;
    await postMessage(h, nullName, { sourceMap });
    expectIgnored(h);
  });
});

describe('allowed types and disallowed names', () => {
  it.each(['identify', 'Group', 'Alias', 'Page', 'screen'])('ignores silently a %s message (test_segmentio_ignore_actions)', async (action) => {
    await postMessage(h, segmentMessage({ action }));
    expectIgnored(h);
  });

  it.each([
    ['missing', undefined],
    ['not a string', 7],
  ])('ignores silently a message whose type is %s', async (_what, type) => {
    const message = segmentMessage();
    if (type === undefined) delete message.type;
    else message.type = type;
    await postMessage(h, message);
    expectIgnored(h);
  });

  it('compares the type without case', async () => {
    const message = segmentMessage();
    message.type = 'TRACK';
    await postMessage(h, message);
    expect(onlyLegacy(h).name).toBe(EVENT_NAME);
  });

  it('accepts the custom allowedTypes, without case, and only them', async () => {
    const options = { allowedTypes: ['Screen', 'PAGE'] };
    for (const action of ['screen', 'Page', 'track']) await postMessage(h, segmentMessage({ action, name: `n.${action}` }), options);
    expect(h.legacy.events.map((e) => e.name)).toEqual(['n.screen', 'n.Page']);
  });

  it('ignores every type with an empty allowedTypes', async () => {
    await postMessage(h, segmentMessage(), { allowedTypes: [] });
    expectIgnored(h);
  });

  it('checks the type before the name: an ignored type without a name is not reported', async () => {
    await postMessage(h, segmentMessage({ action: 'screen', excludeName: true }));
    expectIgnored(h);
  });

  it('ignores silently names containing a disallowed substring, without case', async () => {
    const options = { disallowedSubstringNames: ['Bi.App'] };
    for (const name of ['edx.bi.app.navigation.screen', 'EDX.BI.APP.x', 'edx.video.played']) await postMessage(h, segmentMessage({ name }), options);
    expect(h.legacy.events.map((e) => e.name)).toEqual(['edx.video.played']);
    expect(h.failures).toEqual([]);
  });

  it('checks disallowed names before the data: a disallowed event without data is not reported', async () => {
    const message = segmentMessage({ name: 'edx.bi.app.x' });
    delete message.properties.data;
    await postMessage(h, message, { disallowedSubstringNames: ['bi.app'] });
    expectIgnored(h);
  });
});

describe("the forum-thread label of old Android apps ('Forum: View Thread')", () => {
  it("names an event without a name 'edx.bi.app.navigation.screen', keeping the label", async () => {
    await postMessage(h, segmentMessage({ excludeName: true, label: 'Forum: View Thread' }));
    expect(onlyLegacy(h)).toMatchObject({
      name: 'edx.bi.app.navigation.screen',
      event_type: 'edx.bi.app.navigation.screen',
      context: { label: 'Forum: View Thread' },
    });
  });

  it('keeps a name that is given', async () => {
    await postMessage(h, segmentMessage({ label: 'Forum: View Thread' }));
    expect(onlyLegacy(h)).toMatchObject({ name: EVENT_NAME, context: { label: 'Forum: View Thread' } });
  });

  it('applies the disallowed substrings to that name', async () => {
    await postMessage(h, segmentMessage({ excludeName: true, label: 'Forum: View Thread' }), { disallowedSubstringNames: ['navigation'] });
    expectIgnored(h);
  });
});
