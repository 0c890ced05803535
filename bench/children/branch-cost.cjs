'use strict';
// Scenario 8: the added cost per emitted event of one more edxDefaults branch beside
// tracking.log. `node branch-cost.cjs <json options>`, `options.branch` one of:
//   xapi:    an `xapi` branch (XapiBackend) posting to the local LRS at `options.sinkUrl`;
//   segment: the `segmentio` branch (whitelist, GA processor, SegmentBackend with the real
//            @segment/analytics-node client) posting to the local sink at `options.sinkUrl`,
//            which answers 200;
//   bus:     a `bus` branch (EventBusBackend) publishing to the Redis stream `options.stream`
//            at `options.redisUrl`.
// The sinks run in the runner's process (their CPU is not this process's). Rounds alternate
// (A B, then B A, ...) between two trackers built by edxDefaults: `log` (the tracking_logs
// branch alone, as scenario 4's `ours`) and `with` (the same plus the branch). Every event is
// an enrollment of its own learner (every xAPI statement id differs); emits go in batches of
// `batch` per event-loop turn, and each run is timed until tracker.close() resolves: the file
// holds every line and the sink has acknowledged every event the branch sent.
const path = require('node:path');
const { setImmediate: nextTurn, setTimeout: sleep } = require('node:timers/promises');
const et = require('eventtracking');
const { REQUEST_CONTEXT, EVENT_NAME } = require('./fixtures.cjs');
const { countLines, gc, finish, fail } = require('./util.cjs');

const options = JSON.parse(process.argv[2]);
const { branch, events: N, rounds, batch, tmpdir, warmupEvents } = options;
let errors = 0;
let firstError;
const onError = (error) => {
  errors++;
  firstError ??= error.message;
};
const COURSE = 'course-v1:edX+DemoX+Demo_2014';
let learner = 0;

/**
 * Each branch: its edxDefaults option for a run of `n` events (buffers hold a whole round:
 * a burst this fast outruns any sink, and drops would make the branch look cheaper), and
 * how many events its sink acknowledged, read from the backend before close.
 */
const BRANCHES = {
  xapi: {
    option: (n) => ({ xapi: { url: options.sinkUrl, lmsRootUrl: 'https://courses.example.com', actorId: (event) => `learner-${event.data.learner}`, maxBuffer: n } }),
    backend: (tracker) => tracker.getBackend('xapi').backends.get('xapi'),
    delivered: (backend) => backend.stored + backend.alreadyStored,
  },
  segment: {
    option: (n) => ({ segment: { writeKey: 'bench-write-key', host: options.sinkUrl, whitelist: [EVENT_NAME], maxPending: n, maxPendingBytes: 1024 ** 3, flushAt: 100 } }),
    backend: (tracker) => tracker.getBackend('segmentio').backends.get('segment'),
    delivered: (backend) => backend.sent,
  },
  bus: {
    option: (n) => ({ bus: { redis: options.redisUrl, stream: options.stream, maxBuffer: n } }),
    backend: (tracker) => tracker.getBackend('bus').backends.get('bus'),
    delivered: (backend) => backend.published,
  },
};

async function run(kind, n) {
  const file = path.join(tmpdir, `branch-cost-${branch}-${kind}.log`);
  require('node:fs').rmSync(file, { force: true });
  const extra = kind === 'with' ? BRANCHES[branch].option(n) : {};
  const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: file, ...extra }), onError });
  gc();
  await sleep(20);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await et.openContextFrame(async () => {
    tracker.enterContext('edx.request', REQUEST_CONTEXT);
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + batch);
      for (; i < end; i++) tracker.emit(EVENT_NAME, { course_id: COURSE, mode: 'audit', learner: learner++ });
      await nextTurn();
    }
  });
  const backend = kind === 'with' ? BRANCHES[branch].backend(tracker) : undefined;
  await tracker.close();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return {
    kind,
    events: n,
    lines: countLines(file),
    delivered: backend ? BRANCHES[branch].delivered(backend) : 0,
    cpuMicros: cpu.user + cpu.system,
    wallMs,
  };
}

(async () => {
  if (!BRANCHES[branch]) throw new Error(`unknown branch ${branch}`);
  await run('log', warmupEvents);
  await run('with', warmupEvents);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['log', 'with'] : ['with', 'log'];
    const pair = {};
    for (const kind of order) pair[kind] = await run(kind, N);
    results.push({ round: r, ...pair, addedMicros: (pair.with.cpuMicros - pair.log.cpuMicros) / N });
  }
  finish({ branch, rounds: results, errors, firstError });
})().catch(fail);
