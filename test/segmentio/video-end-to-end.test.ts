// Mobile video events end to end (EDX-BEHAVIOR §4.3 and §2.5): a Segment message
// posted to the Express 5 webhook, emitted, then LegacyFieldMappingProcessor and
// PrefixedEventProcessor (the LMS tracking_logs pipeline) give the tracking.log event
// of the LMS video player. Ported from test_segmentio.py test_video_event and
// test_previous_builds.
import { encodeJson } from '../../src';
import { PrefixedEventProcessor } from '../../src/processors/prefixed-event';
import { RECEIVED_AT_ISO, DEVICE_TIME_ISO, USER_AGENT, USER_ID, USERNAME, asLogged, makeHarness, onlyLegacy, postMessage, segmentMessage, type Harness } from './helpers';

const COURSE_ID = 'foo/bar/baz';
const BROWSER_URL = 'https://testserver/courses/foo/bar/baz/courseware/Week_1/Activity/2';
const PAGE = 'https://testserver/courses/foo/bar/baz/courseware/Week_1/Activity';
const MODULE_ID = 'i4x://foo/bar/baz/some_module';
const HTML_ID = 'i4x-foo-bar-baz-some_module';
const CLIENT = { library: { name: 'test-app', version: 'unknown' }, app: { version: '1.0.1' } };

let h: Harness;
beforeEach(() => {
  h = makeHarness([new PrefixedEventProcessor()]);
});

/** The properties.context of the video tests. */
function videoContext(name: string, version: string): Record<string, unknown> {
  return { open_in_browser_url: BROWSER_URL, course_id: COURSE_ID, application: { name, version, component: 'videoplayer' } };
}

/** The tracking.log event the Open edX tests expect, for `name` / `eventType` and a payload. */
function expectedEvent(name: string, eventType: string, application: Record<string, unknown>, event: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    context: {
      user_id: USER_ID,
      path: '/segmentio/event',
      course_id: COURSE_ID,
      org_id: 'foo',
      enterprise_uuid: '',
      application,
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
    event,
    time: DEVICE_TIME_ISO,
    event_type: eventType,
    event_source: 'mobile',
    page: PAGE,
  };
}

describe('test_video_event', () => {
  it.each([
    ['edx.video.played', 'play_video'],
    ['edx.video.paused', 'pause_video'],
    ['edx.video.stopped', 'stop_video'],
    ['edx.video.loaded', 'load_video'],
    ['edx.video.position.changed', 'seek_video'],
    ['edx.video.transcript.shown', 'show_transcript'],
    ['edx.video.transcript.hidden', 'hide_transcript'],
  ])('turns %s into a %s line', async (name, eventType) => {
    const data: Record<string, unknown> = { current_time: 132.134456, module_id: MODULE_ID, code: 'mobile' };
    const expected: Record<string, unknown> = { currentTime: 132.134456, id: HTML_ID, code: 'mobile' };
    // The load event is the only one without a current time.
    if (name === 'edx.video.loaded') {
      delete data.current_time;
      delete expected.currentTime;
    }
    const context = videoContext('edx.mobileapp.android', '29');
    await postMessage(h, segmentMessage({ name, data, context }));
    expect(asLogged(onlyLegacy(h))).toEqual(expectedEvent(name, eventType, context.application as Record<string, unknown>, expected));
  });

  it('writes the tracking.log line with the page, the id and currentTime', async () => {
    const data = { current_time: 132.134456, module_id: MODULE_ID, code: 'mobile' };
    await postMessage(h, segmentMessage({ name: 'edx.video.played', data, context: videoContext('edx.mobileapp.android', '29') }));
    const line = encodeJson(onlyLegacy(h), 'python');
    expect(line).toContain('"event": {"code": "mobile", "id": "i4x-foo-bar-baz-some_module", "currentTime": 132.134456}');
    expect(line).toContain('"time": "2014-08-27T16:33:39.215000+00:00", "event_type": "play_video", "event_source": "mobile", "page": "https://testserver/courses/foo/bar/baz/courseware/Week_1/Activity"}');
    expect(line).not.toContain('open_in_browser_url');
  });

  it('leaves other edx.video.* events as they are', async () => {
    const data = { module_id: MODULE_ID };
    await postMessage(h, segmentMessage({ name: 'edx.video.closed_captions.shown', data, context: videoContext('edx.mobileapp.android', '29') }));
    expect(asLogged(onlyLegacy(h))).toMatchObject({ event_type: 'edx.video.closed_captions.shown', event: data, page: null, context: { open_in_browser_url: BROWSER_URL } });
  });
});

describe('test_previous_builds', () => {
  it.each([
    // iOS 1.0.02: a slide, positive or negative, becomes onSlideSeek, and edx.video.seeked is renamed.
    [1, 1, 'seek_type', 'slide', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    [-2, -2, 'seek_type', 'slide', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    // iOS 1.0.02 sent the back skip as +30: it becomes -30; a correct -30 stays.
    [30, -30, 'seek_type', 'skip', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    [-30, -30, 'seek_type', 'skip', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.iOS', '1.0.02'],
    // Android 1.0.02 reported every seek as a skip: not ±30 means a slide.
    [1, 1, 'type', 'onSkipSeek', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
    [-2, -2, 'type', 'onSkipSeek', 'onSlideSeek', 'edx.video.seeked', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
    // ±30 stays a skip, and +30 keeps its sign outside iOS.
    [30, 30, 'type', 'onSkipSeek', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
    [-30, -30, 'type', 'onSkipSeek', 'onSkipSeek', 'edx.video.position.changed', 'edx.video.position.changed', 'edx.mobileapp.android', '1.0.02'],
  ])(
    'skip %p → %p, %s %s → type %s, %s → %s (%s %s)',
    async (requested, expectedSkip, seekTypeKey, seekType, expectedSeekType, name, expectedName, platform, version) => {
      const data = {
        code: 'mobile',
        new_time: 89.699177437,
        old_time: 119.699177437,
        [seekTypeKey]: seekType,
        requested_skip_interval: requested,
        module_id: MODULE_ID,
      };
      const context = videoContext(platform, version);
      await postMessage(h, segmentMessage({ name, data, context }));
      const expected = expectedEvent(expectedName, 'seek_video', context.application as Record<string, unknown>, {
        code: 'mobile',
        new_time: 89.699177437,
        old_time: 119.699177437,
        type: expectedSeekType,
        requested_skip_interval: expectedSkip,
        id: HTML_ID,
      });
      expect(asLogged(onlyLegacy(h))).toEqual(expected);
    },
  );
});
