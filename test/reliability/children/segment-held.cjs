// What the events held for an unreachable Segment endpoint cost: this process emits N
// whitelisted events of signed-in users (each with a payload of C characters), 500 per
// event-loop turn, through edxDefaults' Segment branch alone, then waits a second for the
// client to settle into holding them, and reports the heap (after a GC) and RSS against
// a baseline taken before, with what the backend holds (pending, pendingBytes) and
// dropped; then it closes the tracker and reports how many drops the reports to
// onError add up to. Run with --expose-gc.
// argv: <endpoint url> <events> <payload characters> <maxPending> <maxPendingBytes | 'default'>
const { createTracker, edxDefaults } = require('eventtracking');

const [url, eventsText, charsText, maxPendingText, maxPendingBytesText] = process.argv.slice(2);
const EVENTS = Number(eventsText);
const config = edxDefaults({
  segment: {
    writeKey: 'held-write-key',
    host: url,
    whitelist: ['app.held'],
    flushAt: 15,
    flushInterval: 50,
    httpRequestTimeout: 60000,
    closeTimeout: 500,
    maxPending: Number(maxPendingText),
    ...(maxPendingBytesText === 'default' ? {} : { maxPendingBytes: Number(maxPendingBytesText) }),
  },
});
delete config.backends.tracking_logs;
const reports = [];
const tracker = createTracker({ ...config, onError: (error, info) => reports.push({ stage: info.stage, message: error.message }) });
const segment = tracker.getBackend('segmentio').backends.get('segment');

function memory() {
  global.gc();
  global.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

const payload = { course_id: 'course-v1:edX+DemoX+Demo_2014', answer: 'x'.repeat(Number(charsText)) };
const turn = () => new Promise((resolve) => setImmediate(resolve));

(async () => {
  const before = memory();
  let emitted = 0;
  while (emitted < EVENTS) {
    tracker.context('edx.request', { user_id: 42, username: 'alice', ip: '10.0.0.1', path: '/held' }, () => {
      for (let i = 0; i < 500 && emitted < EVENTS; i++) tracker.emit('app.held', { seq: emitted++, ...payload });
    });
    await turn();
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = memory();
  process.send({
    measured: true,
    pending: segment.pending,
    pendingBytes: segment.pendingBytes,
    dropped: segment.dropped,
    failed: segment.failed,
    heapGrowth: after.heapUsed - before.heapUsed,
    rssGrowth: after.rss - before.rss,
  });
  await tracker.close();
  // Every drop is in a report: the first of a kind at once, the rest summed up.
  const droppedReported = reports
    .filter((report) => report.stage === 'drop')
    .reduce((sum, report) => sum + Number(/^(\d+) more failures? like it/.exec(report.message)?.[1] ?? 1), 0);
  process.send({ closed: true, droppedReported, dropped: segment.dropped }, () => process.exit(0));
})();
