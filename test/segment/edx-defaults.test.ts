import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, edxDefaults, RoutingBackend } from '../../src';
import { SegmentBackend } from '../../src/segment/segment-backend';
import { STANDARD_CONTEXT } from './fixtures';
import { SegmentSink } from './sink';

// edxDefaults({ segment }) adds the LMS 'segmentio' branch (EDX-BEHAVIOR §2.2, §4.1):
// NameWhitelistProcessor → GoogleAnalyticsProcessor → SegmentBackend.

let sink: SegmentSink;
beforeEach(async () => {
  sink = await SegmentSink.start();
});
afterEach(async () => {
  await sink.close();
});

const trackingLog = () => join(mkdtempSync(join(tmpdir(), 'et-segment-')), 'tracking.log');

describe('edxDefaults({ segment })', () => {
  it('forwards the whitelisted events to Segment, labelled for GA, and logs every event', async () => {
    const file = trackingLog();
    const tracker = createTracker(
      edxDefaults({
        trackingLog: file,
        segment: { writeKey: 'lms-key', host: sink.url, whitelist: ['edx.course.enrollment.activated'], flushAt: 1, flushInterval: 20 },
      } as Parameters<typeof edxDefaults>[0]),
    );
    expect([...tracker.backends.keys()]).toEqual(['segmentio', 'tracking_logs']);
    const segmentio = tracker.getBackend('segmentio') as RoutingBackend;
    expect(segmentio.backends.get('segment')).toBeInstanceOf(SegmentBackend);
    tracker.context('edx.request', STANDARD_CONTEXT, () => {
      tracker.emit('edx.course.enrollment.activated', { course_id: STANDARD_CONTEXT.course_id });
      tracker.emit('edx.ui.lms.outline.selected', {});
    });
    await tracker.close();
    expect(sink.delivered.map((m) => m.event)).toEqual(['edx.course.enrollment.activated']);
    expect(sink.delivered[0]).toMatchObject({
      userId: '42',
      properties: { label: STANDARD_CONTEXT.course_id, nonInteraction: 1 },
      context: { page: { url: 'https://hostname/this/is/a/path' } },
    });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.event_type)).toEqual(['edx.course.enrollment.activated', 'edx.ui.lms.outline.selected']);
    expect(lines[0]).not.toHaveProperty('label');
  });

  it('forwards nothing with an empty whitelist', async () => {
    const tracker = createTracker(
      edxDefaults({ trackingLog: trackingLog(), segment: { writeKey: 'lms-key', host: sink.url, whitelist: [] } } as Parameters<typeof edxDefaults>[0]),
    );
    tracker.context('edx.request', STANDARD_CONTEXT, () => tracker.emit('edx.course.enrollment.activated', {}));
    await tracker.close();
    expect(sink.requests).toHaveLength(0);
  });

  it('has no segmentio branch without segment options', async () => {
    const tracker = createTracker(edxDefaults({ trackingLog: trackingLog() }));
    expect([...tracker.backends.keys()]).toEqual(['tracking_logs']);
    await tracker.close();
  });

  it.each([
    ['undefined (an unset environment variable)', { writeKey: undefined, whitelist: ['x'] }],
    ["null (Python's None, LMS_SEGMENT_KEY's default)", { write_key: null, host: null, whitelist: ['x'] }],
  ])('has no segmentio branch with a write key %s, as the LMS with LMS_SEGMENT_KEY unset, and says so', async (_case, segment) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const tracker = createTracker(edxDefaults({ trackingLog: trackingLog(), segment } as Parameters<typeof edxDefaults>[0]));
      expect([...tracker.backends.keys()]).toEqual(['tracking_logs']);
      await tracker.close();
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringMatching(/^eventtracking: edxDefaults\(\{ segment \}\) has no writeKey, so no event is forwarded to Segment/),
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('builds the same branch from Python-style configuration data', async () => {
    const tracker = createTracker({
      backends: {
        segmentio: {
          ENGINE: 'eventtracking.backends.routing.RoutingBackend',
          OPTIONS: {
            backends: { segment: { ENGINE: 'eventtracking.backends.segment.SegmentBackend', OPTIONS: { write_key: 'k', host: sink.url, flush_at: 1 } } },
            processors: [
              { ENGINE: 'eventtracking.processors.whitelist.NameWhitelistProcessor', OPTIONS: { whitelist: ['x'] } },
              { ENGINE: 'common.djangoapps.track.shim.GoogleAnalyticsProcessor' },
            ],
          },
        },
      },
    });
    tracker.context('edx.request', STANDARD_CONTEXT, () => tracker.emit('x'));
    await tracker.close();
    expect(sink.delivered[0]).toMatchObject({ event: 'x', properties: { nonInteraction: 1 } });
  });
});
