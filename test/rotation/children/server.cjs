// The server of the rotation suite: the built package writing tracking.log through
// edxDefaults, on a real HTTP server. `GET /emit?n=N` emits `rotation.test` with
// `{ n }` and answers 204 once emitted. SIGHUP reopens the file, as the docs advise.
// IPC: 'flush' (answers { flushed, stats }), 'close' (closes the tracker and exits).
// argv: <tracking.log>
const http = require('node:http');
const { createTracker, edxDefaults } = require('eventtracking');

const [trackingLog] = process.argv.slice(2);
const failures = [];
const tracker = createTracker({ ...edxDefaults({ trackingLog }), onError: (error) => failures.push(error.message) });

process.on('SIGHUP', () => void tracker.reopen());

const server = http.createServer((req, res) => {
  const n = Number(new URL(req.url, 'http://x').searchParams.get('n'));
  tracker.emit('rotation.test', { n });
  res.writeHead(204).end();
});

tracker.ready().then(
  () => server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port })),
  (error) => process.send({ notReady: error.message }),
);

process.on('message', async (message) => {
  if (message.cmd === 'flush') {
    await tracker.flush();
    const logger = tracker.getBackend('tracking_logs').backends.get('logger');
    process.send({ flushed: true, failures, lost: logger.lost, dropped: logger.dropped });
  } else if (message.cmd === 'close') {
    server.close();
    await tracker.close();
    process.send({ closed: true, failures });
    process.disconnect();
  }
});
