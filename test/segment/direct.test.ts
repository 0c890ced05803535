import { ContextFrame, OptionsError, Tracker, asyncContextLocator, openContextFrame, registerTracker, unregisterTracker } from '../../src';
import { SegmentBackend } from '../../src/segment/segment-backend';
import { configureSegment, configuredSegment, findSegmentBackend, segment } from '../../src/segment/direct';
import { STANDARD_CONTEXT, fastClient, lmsLikeTracker, type Failure } from './fixtures';
import { SegmentSink } from './sink';

let sink: SegmentSink;
beforeEach(async () => {
  sink = await SegmentSink.start();
});
afterEach(async () => {
  await configuredSegment()?.close();
  configureSegment(null);
  unregisterTracker();
  await sink.close();
});

const STANDARD_SEGMENT_CONTEXT = {
  ip: '11.22.33.44',
  'Google Analytics': { clientId: '1033501218.1368477899' },
  userAgent: 'Mozilla/5.0 (test)',
  page: { path: '/this/is/a/path', referrer: 'https://example.com/referer', url: 'https://hostname/this/is/a/path' },
};

describe('segment.track and segment.identify (direct helpers)', () => {
  it('do nothing, and throw nothing, until configured', () => {
    expect(configuredSegment()).toBeUndefined();
    expect(() => segment.track(1, 'x', {})).not.toThrow();
    expect(() => segment.identify(1, { email: 'a@b.c' })).not.toThrow();
  });

  it('are off when configured without a write key, as with an unset LMS_SEGMENT_KEY', () => {
    expect(configureSegment({ writeKey: undefined, host: sink.url })).toBeUndefined();
    expect(configureSegment({ writeKey: '' })).toBeUndefined();
  });

  it('refuses a misspelled option, naming the right one, even with no write key, and keeps the backend it had', async () => {
    const backend = configureSegment({ ...fastClient(sink), flushAt: 1 })!;
    expect(() => configureSegment({ writeKey: undefined, hots: sink.url } as never)).toThrow(
      new OptionsError('configureSegment', "unknown option 'hots'; did you mean 'host'?"),
    );
    expect(() => configureSegment({ writekey: 'test-write-key' } as never)).toThrow(
      "configureSegment: unknown option 'writekey'; did you mean 'writeKey'?",
    );
    expect(configuredSegment()).toBe(backend);
    segment.track(42, 'still.sent');
    await backend.flush();
    expect(sink.delivered.map((message) => message.event)).toEqual(['still.sent']);
  });

  it('refuses an option of the wrong type, and a target that is neither options nor a backend', () => {
    expect(() => configureSegment({ writeKey: undefined, flushAt: '1' } as never)).toThrow(
      `configureSegment: option 'flushAt' must be an integer of 1 or more, got "1" (a string)`,
    );
    expect(() => configureSegment('test-write-key' as never)).toThrow(
      `configureSegment: give a SegmentBackend, SegmentBackend options or null, got "test-write-key" (a string)`,
    );
    expect(configuredSegment()).toBeUndefined();
  });

  it('counts a null option as not given, as SegmentBackend does (configuration data)', () => {
    expect(configureSegment({ writeKey: null, host: null } as never)).toBeUndefined();
  });

  it("track merges the default tracker's resolved context: the standard context", async () => {
    // A tracker with a locator of its own: only its resolveContext() can see this frame.
    const frame = new ContextFrame();
    frame.enter('edx.request', STANDARD_CONTEXT);
    const tracker = new Tracker({ contextLocator: { current: () => frame, root: () => frame, run: (_frame, fn) => fn() } });
    registerTracker(tracker);
    const backend = configureSegment({ ...fastClient(sink), flushAt: 1 })!;
    segment.track(42, 'edx.bi.user.account.registered', { provider: 'x' });
    await backend.flush();
    const [message] = sink.delivered;
    expect(message).toMatchObject({ type: 'track', userId: '42', event: 'edx.bi.user.account.registered', properties: { provider: 'x' } });
    expect(message?.context).toMatchObject(STANDARD_SEGMENT_CONTEXT);
    await tracker.close();
  });

  it("track never overrides what the caller's context gives", async () => {
    const backend = configureSegment({ ...fastClient(sink), flushAt: 1 })!;
    openContextFrame(() => {
      // No default tracker: the async frame's contexts are used.
      asyncContextLocator.current().enter('edx.request', STANDARD_CONTEXT);
      segment.track('7', 'x', null, {
        ip: '1.1.1.1',
        userAgent: 'given agent',
        'Google Analytics': { clientId: 'given' },
        page: { path: '/given', url: 'https://given/' },
        locale: 'fr-FR',
      });
    });
    await backend.flush();
    expect(sink.delivered[0]?.properties).toEqual({});
    expect(sink.delivered[0]?.context).toMatchObject({
      ip: '1.1.1.1',
      userAgent: 'given agent',
      'Google Analytics': { clientId: 'given' },
      page: { path: '/given', referrer: 'https://example.com/referer', url: 'https://given/' },
      locale: 'fr-FR',
    });
  });

  it('track does nothing when eventName is null or undefined', async () => {
    const backend = configureSegment({ ...fastClient(sink), flushAt: 1 })!;
    segment.track(1, null);
    segment.track(1, undefined);
    await backend.close();
    expect(backend.sent).toBe(0);
    expect(sink.requests).toHaveLength(0);
  });

  it('identify sends the traits with the context as given (no request context, as Open edX)', async () => {
    const backend = configureSegment({ ...fastClient(sink), flushAt: 1 })!;
    openContextFrame(() => {
      asyncContextLocator.current().enter('edx.request', STANDARD_CONTEXT);
      segment.identify(42, { email: 'alice@example.com', username: 'alice' }, { ip: '9.9.9.9' });
    });
    await backend.flush();
    const [message] = sink.delivered;
    expect(message).toMatchObject({ type: 'identify', userId: '42', traits: { email: 'alice@example.com', username: 'alice' } });
    expect(message?.context).toMatchObject({ ip: '9.9.9.9' });
    expect(message?.context).not.toHaveProperty('userAgent');
  });

  it("can share the tracker's SegmentBackend: one client, one bound, one onError", async () => {
    const { tracker, segment: trackerBackend, failures } = lmsLikeTracker(sink, ['x'], { flushAt: 1 });
    registerTracker(tracker);
    expect(findSegmentBackend(tracker)).toBe(trackerBackend);
    expect(configureSegment(findSegmentBackend(tracker))).toBe(trackerBackend);
    sink.respondWith(401);
    tracker.context('edx.request', STANDARD_CONTEXT, () => {
      tracker.emit('x');
      segment.track(42, 'direct');
    });
    await tracker.flush();
    expect(trackerBackend.sent).toBe(2);
    // One report at once, for whichever of the two batches (flushAt 1) was answered first: they travel concurrently.
    const reported = failures.map((f: Failure) => [f.stage, f.component, f.eventName]);
    expect(reported).toHaveLength(1);
    expect([['backend', 'segment', 'x'], ['backend', 'segment', 'direct']]).toContainEqual(reported[0]);
    await tracker.close();
    expect(failures).toHaveLength(2); // the summary of the second failure
  });

  it('reports a call without a user id through the backend, never throwing', async () => {
    const failures: Failure[] = [];
    const backend = configureSegment({ ...fastClient(sink), onError: (error, info) => failures.push({ message: error.message, ...info }) })!;
    expect(backend).toBeInstanceOf(SegmentBackend);
    expect(() => segment.track(null, 'x')).not.toThrow();
    expect(backend.failed).toBe(1);
    expect(failures[0]).toMatchObject({ stage: 'backend', component: 'segment', message: expect.stringMatching(/userId/) });
  });
});
