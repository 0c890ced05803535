'use strict';
// Scenario 4: sustained emit → disk. `node emit-disk.cjs <json options>`.
// Rounds alternate (A B, then B A, ...) between:
//   ours: tracker.emit through edxDefaults (legacy shim, PrefixedEventProcessor,
//         LoggerBackend, the default lean transport), timed until tracker.flush()
//         resolves, i.e. until the file holds every line (counted afterwards);
//   raw:  fs.createWriteStream writing JSON.stringify of the same legacy event per line
//         (with a fresh `time` and payload), honouring backpressure ('drain'), timed
//         until the stream has finished.
// Both emit in batches of `batch` per event-loop turn (a busy server, not a frozen one).
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const { finished } = require('node:stream/promises');
const { setImmediate: nextTurn, setTimeout: sleep } = require('node:timers/promises');
const et = require('eventtracking');
const { REQUEST_CONTEXT, EVENT_NAME, eventData } = require('./fixtures.cjs');
const { countLines, sizeOf, gc, finish, fail } = require('./util.cjs');

const options = JSON.parse(process.argv[2]);
const { events: N, rounds, batch, tmpdir, warmupEvents } = options;
let errors = 0;
const onError = () => { errors++; };

async function measure(run) {
  gc();
  await sleep(20);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const extra = await run();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMicros: cpu.user + cpu.system, ...extra };
}

async function ours(n, file) {
  fs.rmSync(file, { force: true });
  const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: file }), onError });
  const result = await measure(async () => {
    await et.openContextFrame(async () => {
      tracker.enterContext('edx.request', REQUEST_CONTEXT);
      for (let i = 0; i < n; ) {
        const end = Math.min(n, i + batch);
        for (; i < end; i++) tracker.emit(EVENT_NAME, eventData(i));
        await nextTurn();
      }
    });
    await tracker.flush();
    return {};
  });
  const lines = countLines(file); // after flush, before close: the file must hold every line
  const bytes = sizeOf(file);
  await tracker.close();
  return { kind: 'ours', events: n, lines, bytes, eventsPerSec: n / (result.wallMs / 1000), ...result };
}

let template;

async function raw(n, file) {
  fs.rmSync(file, { force: true });
  const result = await measure(async () => {
    const stream = fs.createWriteStream(file, { flags: 'a' });
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + batch);
      for (; i < end; i++) {
        const event = { ...template, event: eventData(i), time: new Date().toISOString() };
        if (!stream.write(`${JSON.stringify(event)}\n`)) await once(stream, 'drain');
      }
      await nextTurn();
    }
    stream.end();
    await finished(stream);
    return {};
  });
  const lines = countLines(file);
  const bytes = sizeOf(file);
  return { kind: 'raw', events: n, lines, bytes, eventsPerSec: n / (result.wallMs / 1000), ...result };
}

(async () => {
  const file = path.join(tmpdir, 'emit-disk.log');
  // A line of ours is the raw writer's template: the same legacy event, field for field.
  await ours(10, file);
  template = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);
  const sampleLine = fs.readFileSync(file, 'utf8').split('\n')[0];
  // Warm-up (not reported).
  await ours(warmupEvents, file);
  await raw(warmupEvents, file);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [ours, raw] : [raw, ours];
    const pair = {};
    for (const run of order) {
      const result = await run(N, file);
      pair[result.kind] = result;
    }
    results.push({ round: r, ...pair, ratio: pair.ours.eventsPerSec / pair.raw.eventsPerSec });
  }
  fs.rmSync(file, { force: true });
  finish({ rounds: results, errors, sampleLine, rawSampleLine: JSON.stringify({ ...template, time: new Date().toISOString() }) });
})().catch(fail);
