// The Segment endpoint is gone for good (a port nothing listens on). On 'emit', this
// process emits N whitelisted events of signed-in users, 1,000 per event-loop turn,
// measuring the heap after a GC every 25,000; it also serves HTTP requests (each
// emitting one more whitelisted event), which the parent sends before and after the
// burst. On 'close' it closes the tracker and reports what the backend counted and
// what was reported. Run with --expose-gc.
// argv: <dead endpoint url> <events>
const express = require('express');
const { createTracker, edxDefaults } = require('eventtracking');
const { trackMiddleware } = require('eventtracking/express');

const [deadUrl, eventsText] = process.argv.slice(2);
const EVENTS = Number(eventsText);
const reports = [];
const config = edxDefaults({
  segment: { writeKey: 'gone-write-key', host: deadUrl, whitelist: ['app.gone', 'app.request'], flushAt: 15, flushInterval: 50, httpRequestTimeout: 1000, closeTimeout: 1000 },
});
// The Segment branch alone: tracking.log is not what this measures.
delete config.backends.tracking_logs;
const tracker = createTracker({ ...config, onError: (error, info) => reports.push({ stage: info.stage, component: info.component, message: error.message }) });
const segment = tracker.getBackend('segmentio').backends.get('segment');

const app = express();
app.use((req, _res, next) => {
  req.user = { id: 77, username: 'learner' };
  next();
});
app.use(trackMiddleware({ tracker, secretKey: 'gone-secret', pageEvents: false }));
app.get('/work/:n', (req, res) => {
  tracker.emit('app.request', { n: Number(req.params.n) });
  res.json({ ok: true });
});

function heap() {
  global.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

const counts = () => ({ sent: segment.sent, delivered: segment.delivered, failed: segment.failed, pending: segment.pending, dropped: segment.dropped, skipped: segment.skipped });
const server = app.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));
process.on('message', async (message) => {
  if (message.cmd === 'emit') {
    const checkpoints = [];
    const baseline = heap();
    let maxRss = baseline.rss;
    let emitted = 0;
    const started = Date.now();
    const payload = { course_id: 'course-v1:edX+DemoX+Demo_2014', answer: 'x'.repeat(200) };
    await new Promise((resolve) => {
      const turn = () => {
        tracker.context('edx.request', { user_id: 42, username: 'alice', ip: '10.0.0.1', path: '/gone' }, () => {
          for (let i = 0; i < 1000 && emitted < EVENTS; i++) tracker.emit('app.gone', { seq: emitted++, ...payload });
        });
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
        if (emitted % 25000 === 0) checkpoints.push({ emitted, ...heap(), pending: segment.pending, dropped: segment.dropped });
        if (emitted < EVENTS) setImmediate(turn);
        else resolve();
      };
      setImmediate(turn);
    });
    process.send({ emitted: true, emitMs: Date.now() - started, baseline, checkpoints, maxRss, counts: counts() });
  } else if (message.cmd === 'close') {
    await new Promise((resolve) => server.close(resolve));
    const closeStarted = Date.now();
    await tracker.close();
    process.send({ closed: true, closeMs: Date.now() - closeStarted, emittedTotal: tracker.stats.emitted, after: counts(), reports });
  }
});
