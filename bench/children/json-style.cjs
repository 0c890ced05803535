'use strict';
// Scenario 6: the cost per event of encoding a tracking.log line with
// jsonStyle 'python' vs 'compact' (what LoggerBackend.send does: encodeJson(event, style)).
// The event is a real legacy event: a server event and a page event run through the
// legacy shim in a request context. Rounds alternate the order of the two styles.
const et = require('eventtracking');
const { REQUEST_CONTEXT, EVENT_NAME, eventData } = require('./fixtures.cjs');
const { gc, finish, fail } = require('./util.cjs');

const { iterations: M, rounds } = JSON.parse(process.argv[2]);

function legacyEvents() {
  const memory = new et.MemoryBackend();
  const tracker = new et.Tracker({
    backends: { tracking_logs: new et.RoutingBackend({ processors: [new et.LegacyFieldMappingProcessor()], backends: { memory } }) },
  });
  et.openContextFrame(() => {
    tracker.enterContext('edx.request', REQUEST_CONTEXT);
    tracker.emit(EVENT_NAME, eventData(1));
    // The page-request event: a string payload (the censored GET/POST JSON).
    tracker.emit(REQUEST_CONTEXT.path, '{"GET": {"seq": ["1"], "position": ["2"]}, "POST": {}}');
  });
  return memory.events;
}

function time(events, style, m) {
  gc();
  let length = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < m; i++) length += et.encodeJson(events[i & 1], style).length;
  const ns = Number(process.hrtime.bigint() - t0);
  return { micros: ns / 1000 / m, length };
}

try {
  const events = legacyEvents();
  time(events, 'compact', M / 5);
  time(events, 'python', M / 5);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const pair = {};
    for (const style of r % 2 === 0 ? ['compact', 'python'] : ['python', 'compact']) pair[style] = time(events, style, M).micros;
    results.push({ round: r, ...pair, ratio: pair.python / pair.compact, difference: pair.python - pair.compact });
  }
  finish({
    rounds: results,
    samples: { compact: events.map((e) => et.encodeJson(e, 'compact')), python: events.map((e) => et.encodeJson(e, 'python')) },
  });
} catch (error) {
  fail(error);
}
