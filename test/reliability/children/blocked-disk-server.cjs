// The Express demo writing tracking.log to a disk that never finishes a write: a FIFO
// nobody reads (a write blocks once its 64 KiB are full, as on a hung disk). Measures
// what large /event payloads then cost (issue 20): RSS sampled every 20 ms, its peak
// against a baseline taken after start-up. IPC 'report' answers { baseline, peak,
// received, dropped, logged, tooLarge, reports }.
// argv: <fifo> <maxQueuedBytes | 'default'>
const [fifo, maxQueuedBytesText] = process.argv.slice(2);
const trackingLog = { filename: fifo, ...(maxQueuedBytesText === 'default' ? {} : { maxQueuedBytes: Number(maxQueuedBytesText) }) };
const { createDemoApp } = require('../../../examples/express/server.js');
const { app, tracker } = createDemoApp({ trackingLog, secretKey: 'blocked-disk-secret' });

const reports = [];
tracker.routingBackend.bindErrorReporter((error, info) => reports.push(`${info.stage}: ${error.message}`));
const logger = tracker.getBackend('tracking_logs').backends.get('logger');
const transport = logger.logger.transports[0];

let baseline = 0;
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
setInterval(sample, 20).unref();

tracker.ready().then(() => {
  global.gc?.();
  baseline = process.memoryUsage().rss;
  const server = app.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));
});

process.on('message', (message) => {
  if (message.cmd !== 'report') return;
  sample();
  process.send({ report: true, baseline, peak, received: transport.received, dropped: transport.dropped, logged: logger.logged, tooLarge: logger.dropped, reports });
});
