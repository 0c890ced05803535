'use strict';
// Scenario 8: the throughput of transformToXapi (eventtracking/xapi) on one core: the events
// of event-routing-backends' fixtures (a mix of video, problem, forum, navigation, grading,
// enrollment and exam events, single and multi-question problem checks), transformed in turn
// in one loop, counting the statements made.
const fs = require('node:fs');
const path = require('node:path');
const { transformToXapi, learnerOf } = require('eventtracking/xapi');
const { gc, finish, fail } = require('./util.cjs');

const { iterations: M, rounds, fixtures } = JSON.parse(process.argv[2]);

const options = {
  lmsRootUrl: 'http://localhost:18000',
  actorId: (event) => (learnerOf(event) === undefined ? undefined : '32e08e30-f8ae-4ce2-94a8-c2bfe38a70cb'),
  courseName: () => 'Demonstration Course',
};

function transformable(events) {
  return events.filter((event) => {
    try {
      return transformToXapi(event, options) !== null;
    } catch {
      return false;
    }
  });
}

function time(events, m) {
  gc();
  let statements = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < m; i++) {
    const out = transformToXapi(events[i % events.length], options);
    statements += Array.isArray(out) ? out.length : 1;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { statementsPerSecond: statements / seconds, microsPerEvent: (seconds * 1e6) / m, cpuMicrosPerEvent: (cpu.user + cpu.system) / m, statements };
}

try {
  const files = fs.readdirSync(fixtures).filter((file) => file.endsWith('.json'));
  const events = transformable(files.map((file) => JSON.parse(fs.readFileSync(path.join(fixtures, file), 'utf8'))));
  time(events, M / 5);
  const results = [];
  for (let r = 0; r < rounds; r++) results.push({ round: r, ...time(events, M) });
  finish({ rounds: results, events: events.length });
} catch (error) {
  fail(error);
}
