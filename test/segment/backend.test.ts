import { Analytics } from '@segment/analytics-node';
import { SegmentBackend } from '../../src/segment/segment-backend';
import { FROZEN, STANDARD_CONTEXT, fastClient, lmsLikeTracker } from './fixtures';
import { SegmentSink } from './sink';

let sink: SegmentSink;
beforeEach(async () => {
  sink = await SegmentSink.start();
});
afterEach(async () => {
  await sink.close();
});

describe('SegmentBackend behind the segmentio branch', () => {
  it('forwards only the whitelisted events, matched exactly; tracking_logs gets them all', async () => {
    const { tracker, segment, memory } = lmsLikeTracker(sink, ['edx.course.enrollment.activated', 'problem_check']);
    tracker.context('edx.request', STANDARD_CONTEXT, () => {
      for (const name of ['edx.course.enrollment.activated', 'edx.other', 'problem_check', 'Problem_check', 'problem_check.x']) {
        tracker.emit(name, { n: name });
      }
    });
    await tracker.close();
    expect(sink.delivered.map((m) => m.event)).toEqual(['edx.course.enrollment.activated', 'problem_check']);
    expect(sink.requests.every((r) => r.path === '/v1/batch')).toBe(true);
    expect(memory.events).toHaveLength(5);
    expect({ sent: segment.sent, delivered: segment.delivered, failed: segment.failed, pending: segment.pending }).toEqual({
      sent: 2, delivered: 2, failed: 0, pending: 0,
    });
  });

  it('forwards nothing with an empty whitelist (the LMS default)', async () => {
    const { tracker, segment } = lmsLikeTracker(sink, []);
    tracker.context('edx.request', STANDARD_CONTEXT, () => tracker.emit('problem_check', {}));
    await tracker.close();
    expect(sink.requests).toHaveLength(0);
    expect(segment.sent).toBe(0);
  });

  it('sends a track call: userId, name, the whole processed event as properties, the Segment context, the timestamp', async () => {
    const { tracker, failures } = lmsLikeTracker(sink, ['problem_check']);
    tracker.context('edx.request', STANDARD_CONTEXT, () => tracker.emit('problem_check', { answer: 42, list: [1, 'two'] }));
    await tracker.close();
    expect(failures).toEqual([]);
    const [request] = sink.requests;
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('test-write-key:').toString('base64')}`);
    expect(sink.delivered).toHaveLength(1);
    const message = sink.delivered[0]!;
    expect(message).toMatchObject({ type: 'track', event: 'problem_check', userId: '42', timestamp: '2013-10-03T08:24:55.000250+00:00' });
    expect(message).not.toHaveProperty('anonymousId');
    expect(message.properties).toEqual({
      name: 'problem_check',
      timestamp: '2013-10-03T08:24:55.000250+00:00',
      data: { answer: 42, list: [1, 'two'] },
      context: STANDARD_CONTEXT,
      label: 'course-v1:edX+DemoX+Demo_2014',
      nonInteraction: 1,
    });
    expect(message.context).toMatchObject({
      ip: '11.22.33.44',
      userAgent: 'Mozilla/5.0 (test)',
      'Google Analytics': { clientId: '1033501218.1368477899' },
      page: { path: '/this/is/a/path', referrer: 'https://example.com/referer', url: 'https://hostname/this/is/a/path' },
      library: { name: '@segment/analytics-node' },
    });
    expect(new Date(message.timestamp!).getTime()).toBe(FROZEN.getTime());
  });

  it('adds no label without a course, and leaves null context values out of the Segment context', async () => {
    const { tracker } = lmsLikeTracker(sink, ['x']);
    tracker.context('edx.request', { user_id: 7, course_id: null, ip: null, agent: 'A', client_id: null, path: '/p', host: '' }, () =>
      tracker.emit('x'),
    );
    await tracker.close();
    const message = sink.delivered[0]!;
    expect(message.properties).not.toHaveProperty('label');
    expect(message.properties?.nonInteraction).toBe(1);
    expect(message.context).not.toHaveProperty('ip');
    expect(message.context).not.toHaveProperty('Google Analytics');
    expect(message.context).toMatchObject({ userAgent: 'A', page: { path: '/p' } });
    expect(message.context?.page).not.toHaveProperty('url');
  });

  it('skips events of anonymous users, as Open edX does', async () => {
    const { tracker, segment } = lmsLikeTracker(sink, ['x']);
    tracker.context('edx.request', { ...STANDARD_CONTEXT, user_id: null }, () => tracker.emit('x'));
    tracker.emit('x'); // no context at all
    await tracker.close();
    expect(sink.requests).toHaveLength(0);
    expect({ skipped: segment.skipped, sent: segment.sent }).toEqual({ skipped: 2, sent: 0 });
  });

  it('sends anonymous events with the anonymousId option, and skips those it returns null for', async () => {
    const { tracker, segment } = lmsLikeTracker(sink, ['x'], {
      anonymousId: (event) => (event.context?.session ? `session-${String(event.context.session)}` : null),
    });
    tracker.context('edx.request', { ...STANDARD_CONTEXT, user_id: null }, () => tracker.emit('x'));
    tracker.context('edx.request', { user_id: null }, () => tracker.emit('x'));
    tracker.context('edx.request', STANDARD_CONTEXT, () => tracker.emit('x'));
    await tracker.close();
    const [anonymous, known] = sink.delivered;
    expect(anonymous).toMatchObject({ anonymousId: 'session-a1b2c3' });
    expect(anonymous).not.toHaveProperty('userId');
    expect(known).toMatchObject({ userId: '42' });
    expect(segment.skipped).toBe(1);
  });

  it("leaves the tracking_logs branch untouched: no label, no nonInteraction, the context intact (each branch copies)", async () => {
    const { tracker, memory } = lmsLikeTracker(sink, ['problem_check']);
    const segmentio = tracker.getBackend('segmentio') as import('../../src').RoutingBackend;
    // A processor that vandalizes its branch's copy in place.
    segmentio.registerProcessor((event) => {
      delete event.context!.ip;
      (event.data as Record<string, unknown>).added = true;
    });
    tracker.context('edx.request', STANDARD_CONTEXT, () => tracker.emit('problem_check', { a: 1 }));
    await tracker.close();
    expect(memory.events).toHaveLength(1);
    const logged = memory.events[0]!;
    expect(logged).not.toHaveProperty('label');
    expect(logged).not.toHaveProperty('nonInteraction');
    expect(logged.context).toEqual(STANDARD_CONTEXT);
    expect(logged.data).toEqual({ a: 1 });
    expect(sink.delivered[0]?.properties).toMatchObject({ label: STANDARD_CONTEXT.course_id, data: { a: 1, added: true } });
  });

  it("refuses an event JSON cannot encode, alone, without failing the others' batch", async () => {
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x']);
    tracker.context('edx.request', STANDARD_CONTEXT, () => {
      tracker.emit('x', { big: 10n });
      tracker.emit('x', { fine: true });
    });
    await tracker.close();
    expect(sink.delivered.map((m) => m.properties?.data)).toEqual([{ fine: true }]);
    expect(segment.dropped).toBe(1);
    expect(failures).toEqual([expect.objectContaining({ stage: 'serialize', component: 'segment', eventName: 'x' })]);
  });

  it('sends through your own Analytics instance, and flushes it without closing it', async () => {
    const analytics = new Analytics({ writeKey: 'own-key', host: sink.url, flushAt: 50, flushInterval: 60000 });
    const backend = new SegmentBackend({ analytics });
    backend.send({ name: 'x', timestamp: FROZEN, data: {}, context: { user_id: 1 } });
    await backend.close();
    expect(sink.delivered.map((m) => m.event)).toEqual(['x']);
    analytics.track({ userId: '2', event: 'still-open' });
    await analytics.closeAndFlush({ timeout: 2000 });
    expect(sink.delivered.map((m) => m.event)).toEqual(['x', 'still-open']);
  });
});

describe('SegmentBackend options', () => {
  it('names both writeKey and analytics when neither is given', () => {
    expect(() => new SegmentBackend({})).toThrow(/give writeKey .* or analytics/);
    expect(() => new SegmentBackend({ writeKey: '' })).toThrow(TypeError);
  });

  it.each([
    [{ writeKey: 'k', maxPending: 0 }, /option 'maxPending' must be an integer of 1 or more, got 0/],
    [{ writeKey: 'k', maxPendingBytes: '32MB' }, /option 'maxPendingBytes' must be an integer of 1 or more, got "32MB" \(a string\)/],
    [{ writeKey: 'k', maxPendingByte: 1000 }, /unknown option 'maxPendingByte'; did you mean 'maxPendingBytes'\?/],
    [{ writeKey: 'k', closeTimeout: -1 }, /closeTimeout/],
    [{ writeKey: 'k', flushAt: 1.5 }, /flushAt/],
    [{ writeKey: 'k', host: 'api.segment.io' }, /option 'host' must be a URL such as/],
    [{ writeKey: 42 }, /option 'writeKey' must be a string, got 42/],
    [{ writeKey: 'k', anonymousId: 'session' }, /option 'anonymousId' must be a function/],
  ])('refuses %j', (options, message) => {
    expect(() => new SegmentBackend(options as never)).toThrow(message);
  });

  it('refuses client options next to your own analytics', () => {
    const analytics = new Analytics({ writeKey: 'k', host: sink.url });
    expect(() => new SegmentBackend({ analytics, host: sink.url })).toThrow(/either analytics .* or client options, not both \(got analytics and host\)/);
  });

  it('takes a null option (None in configuration data) as not given', () => {
    const backend = new SegmentBackend({ ...fastClient(sink), maxPending: null, maxPendingBytes: null, path: null } as never);
    expect(backend.maxPending).toBe(10000);
    expect(backend.maxPendingBytes).toBe(32 * 1024 * 1024);
    expect(backend.closeTimeout).toBe(10000);
    return backend.close();
  });
});
