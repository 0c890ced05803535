'use strict';
// Scenario 8: the added cost of an xAPI branch per emitted event. `node xapi-branch.cjs <json options>`.
// Rounds alternate (A B, then B A, ...) between two trackers built by edxDefaults:
//   log:  the tracking_logs branch alone (as scenario 4's `ours`);
//   xapi: the same plus an `xapi` branch (XapiBackend) posting to the local LRS that the
//         runner started in its own process (its CPU is not this process's).
// Every event is an enrollment (every transformer turns it into one statement), each of
// its own learner, so that every statement id differs; emits go in batches of `batch` per
// event-loop turn, and each run is timed until tracker.close() resolves: the file holds
// every line and the LRS has answered for every statement.
const path = require('node:path');
const { setImmediate: nextTurn, setTimeout: sleep } = require('node:timers/promises');
const et = require('eventtracking');
const { REQUEST_CONTEXT } = require('./fixtures.cjs');
const { countLines, gc, finish, fail } = require('./util.cjs');

const options = JSON.parse(process.argv[2]);
const { events: N, rounds, batch, tmpdir, lrsUrl, warmupEvents } = options;
let errors = 0;
let firstError;
const onError = (error) => {
  errors++;
  firstError ??= error.message;
};
const COURSE = 'course-v1:edX+DemoX+Demo_2014';
let learner = 0;

async function run(kind, n) {
  const file = path.join(tmpdir, `xapi-branch-${kind}.log`);
  require('node:fs').rmSync(file, { force: true });
  // maxBuffer holds a whole round: a burst this fast outruns any LRS, and drops would do less work.
  const xapi = kind === 'xapi' ? { url: lrsUrl, lmsRootUrl: 'https://courses.example.com', actorId: (event) => `learner-${event.data.learner}`, maxBuffer: n } : undefined;
  const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: file, ...(xapi ? { xapi } : {}) }), onError });
  gc();
  await sleep(20);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await et.openContextFrame(async () => {
    tracker.enterContext('edx.request', REQUEST_CONTEXT);
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + batch);
      for (; i < end; i++) tracker.emit('edx.course.enrollment.activated', { course_id: COURSE, mode: 'audit', learner: learner++ });
      await nextTurn();
    }
  });
  const xapiBackend = xapi ? tracker.getBackend('xapi').backends.get('xapi') : undefined;
  await tracker.close();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return {
    kind,
    events: n,
    lines: countLines(file),
    statements: xapiBackend ? xapiBackend.stored + xapiBackend.alreadyStored : 0,
    cpuMicros: cpu.user + cpu.system,
    wallMs,
  };
}

(async () => {
  await run('log', warmupEvents);
  await run('xapi', warmupEvents);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['log', 'xapi'] : ['xapi', 'log'];
    const pair = {};
    for (const kind of order) pair[kind] = await run(kind, N);
    results.push({ round: r, ...pair, addedMicros: (pair.xapi.cpuMicros - pair.log.cpuMicros) / N });
  }
  finish({ rounds: results, errors, firstError });
})().catch(fail);
