// One of the demo apps (examples/express or examples/koa, on the built package),
// served on 127.0.0.1 for the malformed-input suite. The Express demo gets the
// Segment webhook the Koa demo already has. It watches for what must never happen
// (an uncaught exception, an unhandled rejection, a polluted prototype) and answers
// the parent on IPC: 'check' (prototype state), 'close' (closes the tracker).
// argv: <express|koa> <tracking.log>
const [framework, trackingLog] = process.argv.slice(2);
const SEGMENTIO_SECRET = 'fuzz-segmentio-secret';

const crashes = [];
const onCrash = (kind) => (error) => {
  crashes.push(`${kind}: ${error && error.stack ? error.stack : String(error)}`);
  try {
    process.send({ crash: crashes[crashes.length - 1] });
  } finally {
    setTimeout(() => process.exit(70), 50);
  }
};
process.on('uncaughtException', onCrash('uncaughtException'));
process.on('unhandledRejection', onCrash('unhandledRejection'));

/** What the prototypes hold now: own keys and their values. */
function snapshot() {
  const of = (proto) => new Map(Reflect.ownKeys(proto).map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)]));
  return { object: of(Object.prototype), array: of(Array.prototype), function: of(Function.prototype), string: of(String.prototype) };
}
const before = snapshot();

const { createDemoApp } = require(`../../../examples/${framework}/server.js`);
const { app, tracker } = createDemoApp({ trackingLog, secretKey: 'fuzz-secret-key', segmentioSecret: SEGMENTIO_SECRET });
if (framework === 'express') {
  const { segmentioHandler } = require('eventtracking/express');
  app.post('/segmentio/event', segmentioHandler({ secret: SEGMENTIO_SECRET, lookupUser: (id) => (id === 42 ? { id, username: 'alice' } : null) }));
}
const http = require('node:http');
const server = http.createServer(typeof app.callback === 'function' ? app.callback() : app);
// Bounded: headers and requests that stall are cut.
server.requestTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));

process.on('message', async (message) => {
  if (message.cmd === 'check') {
    const now = snapshot();
    const changes = [];
    for (const name of Object.keys(before)) {
      const was = before[name];
      const is = now[name];
      for (const [key, descriptor] of is) {
        const old = was.get(key);
        if (!old) changes.push(`${name}.prototype gained ${String(key)}`);
        else if (old.value !== descriptor.value || old.get !== descriptor.get || old.set !== descriptor.set) changes.push(`${name}.prototype.${String(key)} changed`);
      }
      for (const key of was.keys()) if (!is.has(key)) changes.push(`${name}.prototype lost ${String(key)}`);
    }
    // eslint-disable-next-line no-proto
    const probes = [({}).polluted, ({}).isAdmin, [].polluted, ''.polluted].filter((v) => v !== undefined);
    process.send({ checked: true, changes, probes: probes.map(String), crashes });
  } else if (message.cmd === 'close') {
    const logger = tracker.getBackend('tracking_logs').backends.get('logger');
    await tracker.close();
    process.send({ closed: true, emitted: tracker.stats.emitted, failures: tracker.stats.failures, logged: logger.logged, dropped: logger.dropped });
  }
});
