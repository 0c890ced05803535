// A server under load that is told to stop (SIGTERM) mid-load: the demo's tracking
// (edxDefaults: tracking.log, plus a Segment branch to the test's sink) behind
// Express, shut down by onShutdownSignals. Before exiting it writes one JSON line on
// stdout with how many events it emitted.
// argv: <tracking.log> <sink url> [timeout ms]
const express = require('express');
const { createTracker, edxDefaults } = require('eventtracking');
const { trackMiddleware } = require('eventtracking/express');
const { onShutdownSignals } = require('eventtracking');

const [trackingLog, sinkUrl, timeoutText] = process.argv.slice(2);
const failures = [];
const tracker = createTracker({
  ...edxDefaults({
    trackingLog,
    segment: { writeKey: 'shutdown-write-key', host: sinkUrl, whitelist: ['app.whitelisted'], flushAt: 20, flushInterval: 50 },
  }),
  onError: (error, info) => failures.push(`${info.stage}/${info.component}: ${error.message}`),
});

let whitelisted = 0;
let answered = 0;
const app = express();
app.use((req, _res, next) => {
  req.user = { id: 5000 + (Number(req.headers['x-worker']) || 0), username: `worker${req.headers['x-worker'] ?? ''}` };
  req.sessionID = `session-${req.headers['x-worker'] ?? ''}`;
  next();
});
app.use(trackMiddleware({ tracker, secretKey: 'shutdown-secret' }));
app.get('/work/:rid', async (req, res) => {
  const rid = Number(req.params.rid);
  tracker.emit('app.other', { rid });
  // Some requests take a while: they are in flight when the signal comes.
  await new Promise((resolve) => setTimeout(resolve, rid % 5 === 0 ? 150 : rid % 7));
  tracker.emit('app.whitelisted', { rid });
  whitelisted++;
  answered++;
  res.json({ rid });
});

const server = app.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));
onShutdownSignals(server, tracker, {
  timeout: timeoutText ? Number(timeoutText) : 10000,
  onShutdown: (report) => {
    const segment = tracker.getBackend('segmentio').backends.get('segment');
    const logger = tracker.getBackend('tracking_logs').backends.get('logger');
    process.stdout.write(
      `${JSON.stringify({
        done: true,
        emitted: tracker.stats.emitted,
        whitelisted,
        answered,
        report,
        logger: { logged: logger.logged, dropped: logger.dropped },
        segment: { sent: segment.sent, delivered: segment.delivered, failed: segment.failed, dropped: segment.dropped, pending: segment.pending },
        failures,
      })}\n`,
    );
  },
});
