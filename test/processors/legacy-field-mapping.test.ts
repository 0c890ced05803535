import { encodeJson, LegacyFieldMappingProcessor, MemoryBackend, Tracker, type TrackedEvent } from '../../src';

const FROZEN = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));

function emitThroughShim(name: string | undefined, data: unknown, context?: Record<string, unknown>): TrackedEvent {
  const backend = new MemoryBackend();
  const tracker = new Tracker({ backends: { mem: backend }, processors: [new LegacyFieldMappingProcessor()], clock: () => FROZEN });
  if (context) tracker.context('test', context, () => tracker.emit(name, data));
  else tracker.emit(name, data);
  return backend.events[0]!;
}

const SENTINEL_CONTEXT = {
  accept_language: 'sentinel.accept_language', referer: 'sentinel.referer', username: 'sentinel.username',
  session: 'sentinel.session', ip: 'sentinel.ip', host: 'sentinel.host', agent: 'sentinel.agent', path: 'sentinel.path',
  user_id: 'sentinel.user_id', course_id: 'sentinel.course_id', org_id: 'sentinel.org_id', client_id: 'sentinel.client_id',
};

describe('LegacyFieldMappingProcessor', () => {
  it('maps fields as test_event_field_mapping expects (E1), client_id dropped', () => {
    const legacy = emitThroughShim('sentinel.name', { 'sentinel.key': 'sentinel.value' }, SENTINEL_CONTEXT);
    expect(JSON.parse(encodeJson(legacy))).toEqual({
      accept_language: 'sentinel.accept_language', referer: 'sentinel.referer', event_type: 'sentinel.name',
      name: 'sentinel.name', context: { user_id: 'sentinel.user_id', course_id: 'sentinel.course_id', org_id: 'sentinel.org_id', path: 'sentinel.path' },
      event: { 'sentinel.key': 'sentinel.value' }, username: 'sentinel.username', event_source: 'server',
      time: '2013-10-03T08:24:55+00:00', agent: 'sentinel.agent', host: 'sentinel.host', ip: 'sentinel.ip', page: null, session: 'sentinel.session',
    });
  });

  it('fills missing fields with their defaults (E2)', () => {
    const legacy = emitThroughShim('sentinel.name', undefined);
    expect(JSON.parse(encodeJson(legacy))).toEqual({
      accept_language: '', referer: '', event_type: 'sentinel.name', name: 'sentinel.name', context: {}, event: {},
      username: '', event_source: 'server', time: '2013-10-03T08:24:55+00:00', agent: '', host: '', ip: '', page: null, session: '',
    });
  });

  it('writes the keys in the legacy order', () => {
    const legacy = emitThroughShim('x', { a: 1 }, SENTINEL_CONTEXT);
    expect(Object.keys(legacy)).toEqual([
      'name', 'context', 'username', 'session', 'ip', 'agent', 'host', 'referer', 'accept_language', 'event', 'time',
      'event_type', 'event_source', 'page',
    ]);
    expect(Object.keys(legacy.context!)).toEqual(['path', 'user_id', 'course_id', 'org_id']);
  });

  it('turns a browser event\'s object payload into a Python JSON string, and keeps other payloads as they are', () => {
    expect(emitThroughShim('b', { id: 'abc', t: 12.5, s: 'é' }, { event_source: 'browser' }).event).toBe('{"id": "abc", "t": 12.5, "s": "\\u00e9"}');
    expect(emitThroughShim('b', [1, 2], { event_source: 'browser' }).event).toEqual([1, 2]);
    expect(emitThroughShim('b', 'text', { event_source: 'browser' }).event).toBe('text');
    expect(emitThroughShim('s', { a: 1 }, { event_source: 'mobile' }).event).toEqual({ a: 1 });
    expect(emitThroughShim('s', '{"GET": {}, "POST": {}}').event).toBe('{"GET": {}, "POST": {}}');
  });

  it('takes event_type, event_source, page and the device timestamp from the context when present', () => {
    const device = new Date(Date.UTC(2014, 0, 1));
    const legacy = emitThroughShim('edx.video.played', {}, {
      event_type: 'play_video', event_source: 'mobile', page: 'https://x/y', timestamp: device, application: { name: 'app' },
    });
    expect(legacy).toMatchObject({ event_type: 'play_video', event_source: 'mobile', page: 'https://x/y' });
    expect(legacy.time).toEqual(device);
    expect(legacy.context).toEqual({ application: { name: 'app' } });
  });

  it('adds no context fields to an event without a context, as Python', () => {
    const legacy = new LegacyFieldMappingProcessor().process({ name: 'bare', data: { a: 1 } });
    expect(legacy).toEqual({ name: 'bare', event: { a: 1 }, event_type: 'bare', event_source: 'server', page: null });
  });

  it('keeps a "__proto__" context key as data', () => {
    const context = JSON.parse('{"__proto__": {"polluted": true}, "user_id": 1}');
    const legacy = emitThroughShim('p', {}, context);
    expect(Object.keys(legacy.context!)).toEqual(['__proto__', 'user_id']);
    expect(Object.getPrototypeOf(legacy.context)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
