'use strict';
// Scenario 8: what the event registry adds to an emit. The same valid event is emitted
// (a) with the tracker's own emit (the baseline), (b) through the registry with
// validation 'off', (c) through the registry with validation 'warn' (the payload is
// checked against its compiled schema), (d) with the tracker's emit and the registry's
// checking processor registered. The backend drops every event, so what is left is the
// cost of emit itself. Rounds rotate the order of the variants.
const et = require('eventtracking');
const { defineEvent, registerEvents, Type } = require('eventtracking/events');
const { EVENT_NAME, eventData } = require('./fixtures.cjs');
const { gc, finish, fail } = require('./util.cjs');

const { iterations: M, rounds } = JSON.parse(process.argv[2]);

const sample = eventData(1);
// A schema for the fixture event, written from its example payload: every field a string,
// a number or an object, as they are.
const fields = Object.fromEntries(
  Object.entries(sample).map(([key, value]) => [key, typeof value === 'number' ? Type.Number() : typeof value === 'string' ? Type.String() : Type.Unknown()]),
);
const definition = defineEvent({ name: EVENT_NAME, description: 'The benchmark event.', owner: 'bench', data: Type.Object(fields), example: sample, emittedFrom: ['server'] });

const dropAll = { send() {} };
function tracker(processors = []) {
  return new et.Tracker({ backends: { drop: dropAll }, processors, onError: () => {} });
}

const plain = tracker();
const off = registerEvents([definition], { validation: 'off', tracker: tracker() });
const warn = registerEvents([definition], { validation: 'warn', tracker: tracker() });
const withProcessor = tracker([warn.processor()]);
const variants = {
  'tracker.emit': (data) => plain.emit(EVENT_NAME, data),
  "registry.emit, validation 'off'": (data) => off.emit(EVENT_NAME, data),
  "registry.emit, validation 'warn'": (data) => warn.emit(EVENT_NAME, data),
  'tracker.emit + checking processor': (data) => withProcessor.emit(EVENT_NAME, data),
};

function time(run, m) {
  gc();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < m; i++) run(sample);
  return Number(process.hrtime.bigint() - t0) / 1000 / m;
}

try {
  if (warn.check({ name: EVENT_NAME, data: sample }).length > 0) throw new Error('the benchmark event does not match its schema');
  const names = Object.keys(variants);
  for (const name of names) time(variants[name], M / 5);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const round = { round: r };
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      round[name] = time(variants[name], M);
    }
    results.push(round);
  }
  finish({ variants: names, rounds: results });
} catch (error) {
  fail(error);
}
