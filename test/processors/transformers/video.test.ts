import { encodeJson, LegacyFieldMappingProcessor, MemoryBackend, openContextFrame, Tracker, type TrackedEvent } from '../../../src';
import { PrefixedEventProcessor } from '../../../src/processors/prefixed-event';
import { VIDEO_EVENT_TYPES, VideoEventTransformer } from '../../../src/processors/transformers/video';
import { assertEventMatches, EventMatchTolerates } from '../../../src/testing';

// The setting of EP track/views/tests/test_segmentio.py: a mobile event posted to the Segment
// webhook, through the processors [LegacyFieldMappingProcessor, PrefixedEventProcessor].
const ENDPOINT = '/segmentio/test/event';
const USER_ID = 10;
const BROWSER_URL = 'https://testserver/courses/foo/bar/baz/courseware/Week_1/Activity/2';
const PAGE = 'https://testserver/courses/foo/bar/baz/courseware/Week_1/Activity';
const CLIENT = { library: { name: 'test-app', version: 'unknown' }, app: { version: '1.0.1' } };

interface Emitted {
  event: TrackedEvent;
  errors: Error[];
  warnings: string[];
}

/** Emits `name` as the segmentio view does: inside the request's context, in the layer 'edx.segmentio'. */
function emitMobile(name: string, data: unknown, propertiesContext: Record<string, unknown>): Emitted {
  const backend = new MemoryBackend();
  const errors: Error[] = [];
  const warnings: string[] = [];
  const tracker = new Tracker({
    backends: { mem: backend },
    processors: [new LegacyFieldMappingProcessor(), new PrefixedEventProcessor({ onWarning: (m) => warnings.push(m) })],
    onError: (error) => errors.push(error),
  });
  openContextFrame(() => {
    tracker.enterContext('edx.request', {
      accept_language: '', referer: '', username: '', session: '', ip: '', agent: '', host: 'testserver',
      path: ENDPOINT, user_id: '', client_id: null, course_id: '', org_id: '',
    });
    const segmentio = {
      event_source: 'mobile',
      client: CLIENT,
      agent: 'sentinel.user_agent',
      ...propertiesContext,
      user_id: USER_ID,
      username: 'sentinel.username',
      org_id: 'foo',
      timestamp: new Date('2014-08-27T16:33:39.215Z'),
      received_at: new Date('2014-08-27T16:33:39.100Z'),
      ip: '',
    };
    tracker.context('edx.segmentio', segmentio, () => tracker.emit(name, data));
  });
  expect(backend.events).toHaveLength(1);
  return { event: backend.events[0]!, errors, warnings };
}

function expectedEvent(overrides: { name: string; event_type: string; event: unknown; application: Record<string, unknown> }) {
  return {
    accept_language: '', referer: '', username: 'sentinel.username', ip: '', session: '', event_source: 'mobile',
    event_type: overrides.event_type, name: overrides.name, agent: 'sentinel.user_agent', page: PAGE,
    time: '2014-08-27T16:33:39.215000+00:00', host: 'testserver',
    context: {
      user_id: USER_ID, course_id: 'foo/bar/baz', org_id: 'foo', path: ENDPOINT, client: CLIENT,
      application: overrides.application, received_at: '2014-08-27T16:33:39.100000+00:00',
    },
    event: overrides.event,
  };
}

/** The event as it would be written: Python-style JSON, parsed back. */
const asWritten = (event: TrackedEvent): unknown => JSON.parse(encodeJson(event, 'python'));

describe('VideoEventTransformer end to end (test_segmentio.py::test_video_event)', () => {
  const application = { name: 'edx.mobileapp.android', version: '29', component: 'videoplayer' };

  it.each([
    ['edx.video.played', 'play_video'],
    ['edx.video.paused', 'pause_video'],
    ['edx.video.stopped', 'stop_video'],
    ['edx.video.loaded', 'load_video'],
    ['edx.video.position.changed', 'seek_video'],
    ['edx.video.transcript.shown', 'show_transcript'],
    ['edx.video.transcript.hidden', 'hide_transcript'],
    // Not in test_segmentio.py; derived from the name map of transformers.py.
    ['edx.video.language_menu.shown', 'video_show_cc_menu'],
    ['edx.video.language_menu.hidden', 'video_hide_cc_menu'],
  ])('%s → %s', (name, eventType) => {
    const input: Record<string, unknown> = { current_time: 132.134456, module_id: 'i4x://foo/bar/baz/some_module', code: 'mobile' };
    const payload: Record<string, unknown> = { currentTime: 132.134456, id: 'i4x-foo-bar-baz-some_module', code: 'mobile' };
    if (name === 'edx.video.loaded') {
      // The load event is the only one not expected to carry a current time.
      delete input.current_time;
      delete payload.currentTime;
    }
    const { event, errors } = emitMobile(name, input, { open_in_browser_url: BROWSER_URL, course_id: 'foo/bar/baz', application });
    expect(errors).toEqual([]);
    assertEventMatches(expectedEvent({ name, event_type: eventType, event: payload, application }), asWritten(event));
    // Exactly these fields, in the order Python leaves them.
    expect(Object.keys(event.event as object)).toEqual(name === 'edx.video.loaded' ? ['code', 'id'] : ['code', 'id', 'currentTime']);
    expect(event.context).not.toHaveProperty('open_in_browser_url');
  });
});

describe('VideoEventTransformer end to end (test_segmentio.py::test_previous_builds)', () => {
  it.each([
    // [requested, expected interval, seek key, seek type, expected type, name, expected name, platform, version]
    [1, 1, 'seek_type', 'slide', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    [-2, -2, 'seek_type', 'slide', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    [30, -30, 'seek_type', 'skip', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    [-30, -30, 'seek_type', 'skip', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    [1, 1, 'type', 'onSkipSeek', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
    [-2, -2, 'type', 'onSkipSeek', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
    [30, 30, 'type', 'onSkipSeek', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
    [-30, -30, 'type', 'onSkipSeek', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
  ] as const)(
    'interval %d → %d, %s %s → %s, %s → %s (%s %s)',
    (requested, expectedInterval, seekKey, seekType, expectedType, name, expectedName, platform, version) => {
      const application = { name: platform, version, component: 'videoplayer' };
      const input = {
        code: 'mobile', new_time: 89.699177437, old_time: 119.699177437, [seekKey]: seekType,
        requested_skip_interval: requested, module_id: 'i4x://foo/bar/baz/some_module',
      };
      const { event, errors } = emitMobile(name, input, { open_in_browser_url: BROWSER_URL, course_id: 'foo/bar/baz', application });
      expect(errors).toEqual([]);
      const payload = {
        code: 'mobile', new_time: 89.699177437, old_time: 119.699177437, type: expectedType,
        requested_skip_interval: expectedInterval, id: 'i4x-foo-bar-baz-some_module',
      };
      assertEventMatches(expectedEvent({ name: expectedName, event_type: 'seek_video', event: payload, application }), asWritten(event));
      // The payload strictly: nothing left of seek_type or module_id.
      assertEventMatches({ event: payload }, asWritten(event), [EventMatchTolerates.ROOT_EXTRA_FIELDS]);
    },
  );
});

describe('VideoEventTransformer', () => {
  const process = (event: TrackedEvent, warn?: (m: string) => void): TrackedEvent => {
    const transformer = new VideoEventTransformer(event, warn ? { warn } : {});
    transformer.transform();
    return transformer.event;
  };

  it('maps exactly the ten names of transformers.py', () => {
    expect(Object.keys(VIDEO_EVENT_TYPES)).toHaveLength(10);
  });

  it('leaves other edx.video.* events as they are', () => {
    const event = { name: 'edx.video.closed_captions.shown', event: { current_time: 3, module_id: 'i4x://a/b/c/d' }, event_type: 'x' };
    expect(process(event)).toEqual(event);
  });

  it('decodes a string payload before looking at the name, so a payload that is not JSON fails even for another name (as Python)', () => {
    expect(() => process({ name: 'edx.video.foo.bar', event: 'not JSON' })).toThrow(SyntaxError);
  });

  it('transforms a browser event (a JSON string payload) and writes it back as Python does', () => {
    const result = process({
      name: 'edx.video.language_menu.hidden',
      event: '{"id": "i4x-a-b-video-c", "code": "html5", "language": "fr", "duration": 61.0}',
      event_type: 'edx.video.language_menu.hidden',
      event_source: 'browser',
    });
    expect(result.event_type).toBe('video_hide_cc_menu');
    expect(result.event).toBe('{"id": "i4x-a-b-video-c", "code": "html5", "language": "fr", "duration": 61}');
  });

  it('changes only event_type and the name for an empty payload: the page stays, and the URL stays in the context', () => {
    const context = { open_in_browser_url: 'https://x/a/b' };
    for (const payload of [{}, null, 0, [], '{}', '[]']) {
      const result = process({ name: 'edx.video.seeked', context, event: payload, page: null });
      expect(result).toMatchObject({ name: 'edx.video.position.changed', event_type: 'seek_video', page: null, context });
    }
  });

  it('drops a module_id that is not a usage key, with a warning, and sets no id', () => {
    const warnings: string[] = [];
    const result = process({ name: 'edx.video.played', event: { module_id: 'not-a-key', code: 'x' } }, (m) => warnings.push(m));
    expect(result.event).toEqual({ code: 'x' });
    expect(warnings).toEqual([`Unable to parse module_id "not-a-key" of 'edx.video.played'`]);
  });

  it('uses the block id of a block-v1 module_id', () => {
    const result = process({ name: 'edx.video.paused', event: { module_id: 'block-v1:edX+DemoX+2014+type@video+block@abc.1' } });
    expect(result.event).toEqual({ id: 'abc.1' });
  });

  it('sets page to "" for an open_in_browser_url without a slash, and keeps a seek_type it does not know out', () => {
    const result = process({ name: 'edx.video.played', context: { open_in_browser_url: 'nowhere', x: 1 }, event: { seek_type: 'jump' }, page: null });
    expect(result).toEqual({ name: 'edx.video.played', context: { x: 1 }, event: {}, page: '', event_type: 'play_video' });
  });

  it('fixes the iOS 1.0.02 skip only for that app and version', () => {
    const skip = { type: 'onSkipSeek', requested_skip_interval: 30 };
    const run = (application: unknown) => process({ name: 'edx.video.position.changed', context: { application }, event: { ...skip } }).event;
    expect(run({ name: 'edx.mobileapp.iOS', version: '1.0.02' })).toEqual({ type: 'onSkipSeek', requested_skip_interval: -30 });
    expect(run({ name: 'edx.mobileapp.iOS', version: '1.0.03' })).toEqual(skip);
    expect(run({ name: 'edx.mobileapp.android', version: '1.0.02' })).toEqual(skip);
    expect(run({ name: 'edx.mobileapp.iOS' })).toEqual(skip);
    expect(run('edx.mobileapp.iOS 1.0.02')).toEqual(skip);
  });

  it('fails (Python raises) on a requested_skip_interval or open_in_browser_url of the wrong type; the router keeps the event', () => {
    expect(() => process({ name: 'edx.video.played', event: { requested_skip_interval: '30', type: 'onSkipSeek' } })).toThrow(
      'bad operand type for abs(): requested_skip_interval is "30"',
    );
    expect(() => process({ name: 'edx.video.played', context: { open_in_browser_url: 5 }, event: { a: 1 } })).toThrow(TypeError);
    const { event, errors } = emitMobile('edx.video.played', { requested_skip_interval: null, type: 'onSkipSeek' }, {});
    expect(errors).toHaveLength(1);
    expect(event).toMatchObject({ event_type: 'edx.video.played', event: { requested_skip_interval: null, type: 'onSkipSeek' } });
  });
});
