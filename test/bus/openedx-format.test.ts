// The 'openedx' wire format without a broker: what we encode, Debian's python3-avro reads
// back field for field with the schema from openedx-events, and what the Python side
// encodes, we read back. The same on a real Redis, through producer and consumer:
// test/bus/brokers/openedx.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventTime } from '../../src/encoding/timestamp';
import {
  asUuid,
  decodeOpenedxEntry,
  defaultOpenedxSource,
  encodeEventData,
  openedxEntryFields,
  openedxStreamName,
  toTrackingLogData,
  TRACKING_EVENT_EMITTED_SCHEMA,
} from '../../src/bus/openedx-format';
import { RedisStreamTransport } from '../../src/bus/redis-transport';
import { OptionsError } from '../../src/core/options';
import { describeWithPythonAvro, pythonDecode, pythonProduce, type PythonEvent } from './support/openedx-side';

const fieldsOf = (list: (string | Buffer)[]): Map<string, Buffer> => {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i < list.length; i += 2) fields.set(String(list[i]), Buffer.isBuffer(list[i + 1]) ? (list[i + 1] as Buffer) : Buffer.from(String(list[i + 1])));
  return fields;
};

const event = (extra: Partial<PythonEvent> = {}): PythonEvent => ({
  name: 'edx.course.enrollment.activated',
  timestamp: '2024-05-06T07:08:09.123456+00:00',
  data: { course_id: 'course-v1:edX+DemoX+Demo_Course', mode: 'audit', user_id: 42 },
  context: { user_id: 42, path: '/event', org_id: 'edX', course_id: 'course-v1:edX+DemoX+Demo_Course' },
  ...extra,
});

/** Text far from ASCII: accents, CJK, an emoji (a surrogate pair in JavaScript), a line separator. */
const WIDE = 'Zoë 学习 🎓 \u2028 «quotes» "and" \\ backslash';

describe('the openedx format', () => {
  it('holds the schema openedx-events stores for the signal, field for field', () => {
    const stored: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'openedx', 'tracking-event-emitted.avsc'), 'utf8'));
    expect(JSON.parse(JSON.stringify(TRACKING_EVENT_EMITTED_SCHEMA))).toEqual(stored);
  });

  it('names the stream as event-bus-redis does: <EVENT_BUS_TOPIC_PREFIX>-<topic>', () => {
    expect(openedxStreamName()).toBe('analytics');
    expect(openedxStreamName({ topicPrefix: 'prod' })).toBe('prod-analytics');
    expect(openedxStreamName({ topicPrefix: 'stage', topic: 'other' })).toBe('stage-other');
  });

  it('writes the headers in event-bus-redis order, with a UUID id even for an id that is not one', () => {
    const fields = openedxEntryFields('order-17', { name: 'x', timestamp: new EventTime(0), data: {}, context: {} }, { source: 'openedx/lms/web', sourcehost: 'h1' });
    expect(fields.filter((_, i) => i % 2 === 0)).toEqual(['type', 'id', 'source', 'time', 'minorversion', 'sourcehost', 'sourcelib', 'event_data']);
    const headers = Object.fromEntries([...fieldsOf(fields)].map(([key, value]) => [key, value.toString('utf8')]));
    expect(headers).toMatchObject({ type: 'org.openedx.analytics.tracking.event.emitted.v1', id: asUuid('order-17'), source: 'openedx/lms/web', minorversion: '0', sourcehost: 'h1' });
    expect(headers.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(asUuid('order-17')).toBe(headers.id); // one id, one UUID: copies stay one event
    expect(headers.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/); // Python's isoformat(), as fromisoformat reads it
    expect(headers.sourcelib).toMatch(/^\d+\.\d+\.\d+$/); // the Python consumer splits it into ints
    expect(defaultOpenedxSource().source).toBe('openedx/eventtracking/web');
  });

  it('refuses what is not a tracking event, saying why', () => {
    const good = fieldsOf(openedxEntryFields('a', { name: 'x', timestamp: new EventTime(0), data: {}, context: {} }, defaultOpenedxSource()));
    const other = new Map(good).set('type', Buffer.from('org.openedx.learning.course.enrollment.created.v1'));
    expect(() => decodeOpenedxEntry(other, '1-0')).toThrow('unknown type "org.openedx.learning.course.enrollment.created.v1" (this consumer reads org.openedx.analytics.tracking.event.emitted.v1)');
    const untyped = new Map(good);
    untyped.delete('type');
    expect(() => decodeOpenedxEntry(untyped, '1-0')).toThrow('no type header');
    const garbage = new Map(good).set('event_data', Buffer.from([0x99, 0x01, 0x02]));
    expect(() => decodeOpenedxEntry(garbage, '1-0')).toThrow(/^event_data is not the Avro encoding of org.openedx.analytics.tracking.event.emitted.v1/);
    const trailing = new Map(good).set('event_data', Buffer.concat([good.get('event_data')!, Buffer.from([0])]));
    expect(() => decodeOpenedxEntry(trailing, '1-0')).toThrow(/event_data is not the Avro encoding/);
    const badJson = new Map(good).set('event_data', encodeEventData({ name: 'x', timestamp: '2024-01-01T00:00:00+00:00', data: '{', context: '{}' }));
    expect(() => decodeOpenedxEntry(badJson, '1-0')).toThrow(/^tracking_log.data is not JSON text/);
    const badTime = new Map(good).set('event_data', encodeEventData({ name: 'x', timestamp: 'yesterday', data: '{}', context: '{}' }));
    expect(() => decodeOpenedxEntry(badTime, '1-0')).toThrow('tracking_log.timestamp is not an ISO 8601 time: "yesterday"');
  });

  it('takes format options only with the format, and checks them', async () => {
    expect(() => new RedisStreamTransport({ maxLength: 5 })).toThrow(
      new OptionsError('RedisStreamTransport', "maxLength belongs to format 'openedx': give format: 'openedx' too, or leave it out"),
    );
    expect(() => new RedisStreamTransport({ format: 'avro' as never })).toThrow(`option 'format' must be one of "envelope", "openedx", got "avro" (a string)`);
    expect(() => new RedisStreamTransport({ format: 'openedx', maxLength: -1 })).toThrow("option 'maxLength' must be an integer of 0 or more");
    await new RedisStreamTransport({ format: 'openedx', maxLength: 0, source: 'openedx/notes/web' }).close();
  });
});

describeWithPythonAvro('the openedx format against python3-avro', () => {
  const events: PythonEvent[] = [
    event(),
    event({ name: `edx.ui.${WIDE}`, data: { text: WIDE, nested: { list: [1, 2.5, null, true, WIDE] } }, context: { user_id: 7, username: WIDE } }),
    event({ timestamp: '2024-05-06T07:08:09.000001+00:00', data: {}, context: {} }),
    // A payload near the consumer's default limit (1 MiB): 900 KB of mixed text in data.
    event({ name: 'problem_check', data: { answers: 'é学🎓x'.repeat(90_000) }, context: { course_id: 'course-v1:A+B+C' } }),
  ];

  it('our event_data is what python3-avro decodes, field for field', () => {
    const ours = events.map((item) => ({ name: item.name, timestamp: new EventTime(Date.parse(item.timestamp), Number(item.timestamp.slice(23, 26))), data: item.data, context: item.context }));
    const bytes = ours.map((item) => fieldsOf(openedxEntryFields('id', item, defaultOpenedxSource())).get('event_data')!);
    const decoded = pythonDecode(bytes);
    decoded.forEach((record, i) => {
      const expected = events[i]!;
      expect(record.name).toBe(expected.name);
      expect(record.timestamp).toBe(expected.timestamp);
      expect(JSON.parse(record.data)).toEqual(expected.data);
      expect(JSON.parse(record.context)).toEqual(expected.context);
      // And the JSON texts are Python's json.dumps, byte for byte, as event-tracking writes them.
      expect(record).toEqual(toTrackingLogData(ours[i]!));
    });
  });

  it('what the Python side encodes, we read field for field', () => {
    const entries = pythonProduce(events);
    entries.forEach((fields, i) => {
      const { id, event: read } = decodeOpenedxEntry(fieldsOf(fields), '1-0');
      const expected = events[i]!;
      expect(id).toBe(String(fields[3]));
      expect(read.name).toBe(expected.name);
      expect(read.timestamp).toBeInstanceOf(EventTime);
      expect((read.timestamp as EventTime).toJSON()).toBe(expected.timestamp);
      expect(read.data).toEqual(expected.data);
      expect(read.context).toEqual(expected.context);
    });
  });
});
