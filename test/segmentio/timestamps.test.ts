// The device time (EDX-BEHAVIOR §4.3 step 9, §2.3 step 4): the message's `timestamp`
// becomes the legacy `time` — not the server's clock — in Python's isoformat, UTC,
// microseconds (nanoseconds cut); `receivedAt` becomes context.received_at. Ported
// from test_segmentio.py (test_timestamp_success) through an Express 5 app whose
// tracker's clock is frozen at FROZEN_TIME.
import { encodeJson } from '../../src';
import {
  DEVICE_TIME_ISO,
  RECEIVED_AT_ISO,
  SERVER_TIME_ISO,
  asLogged,
  makeHarness,
  onlyLegacy,
  onlyRaw,
  postMessage,
  segmentMessage,
  type Harness,
} from './helpers';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});

/** Posts the sample message with `timestamp` (and `receivedAt` when given). */
async function postAt(timestamp: string, receivedAt?: string): Promise<void> {
  const message = segmentMessage();
  message.timestamp = timestamp;
  if (receivedAt !== undefined) message.receivedAt = receivedAt;
  await postMessage(h, message);
}

describe('time is the device time', () => {
  it('takes time from the timestamp, not from the server clock', async () => {
    await postAt('2014-08-27T16:33:39.215Z');
    const legacy = asLogged(onlyLegacy(h)) as Record<string, unknown>;
    expect(legacy.time).toBe(DEVICE_TIME_ISO);
    expect(legacy.time).not.toBe(SERVER_TIME_ISO);
    expect(legacy).not.toHaveProperty('timestamp');
    expect(legacy.context).not.toHaveProperty('timestamp');
    // The raw event keeps the server's time as its timestamp, and the device time in its context.
    expect(asLogged(onlyRaw(h))).toMatchObject({ timestamp: SERVER_TIME_ISO, context: { timestamp: DEVICE_TIME_ISO } });
  });

  it('writes time into the tracking.log line in Python isoformat', async () => {
    await postAt('2018-12-11T07:27:28.015900357Z');
    expect(encodeJson(onlyLegacy(h), 'python')).toContain('"time": "2018-12-11T07:27:28.015900+00:00", "event_type": "sentinel.name"');
  });

  it.each([
    ['2014-08-27T16:33:39.215Z', '2014-08-27T16:33:39.215000+00:00'],
    ['2014-08-27T16:33:39.100Z', '2014-08-27T16:33:39.100000+00:00'],
    ['2018-12-11T07:27:28.015900357Z', '2018-12-11T07:27:28.015900+00:00'],
    ['2014-08-27T16:33:39.000001Z', '2014-08-27T16:33:39.000001+00:00'],
    ['2014-08-27T16:33:39.1234569Z', '2014-08-27T16:33:39.123456+00:00'],
    ['2014-08-27T16:33:39Z', '2014-08-27T16:33:39+00:00'],
    ['2014-08-27T16:33:39.000Z', '2014-08-27T16:33:39+00:00'],
    ['2014-08-27T18:33:39.215+02:00', '2014-08-27T16:33:39.215000+00:00'],
    ['2014-08-27T11:03:39.215-0530', '2014-08-27T16:33:39.215000+00:00'],
    ['2014-08-28T01:33:39.215+09:00', '2014-08-27T16:33:39.215000+00:00'],
    ['2014-08-27T16:33:39.215+00:00', '2014-08-27T16:33:39.215000+00:00'],
  ])('maps timestamp %s to time %s', async (timestamp, time) => {
    await postAt(timestamp);
    expect((asLogged(onlyLegacy(h)) as Record<string, unknown>).time).toBe(time);
  });

  it('takes a timestamp without an offset as UTC (dateutil would give a naive time, written without +00:00)', async () => {
    await postAt('2014-08-27T16:33:39.215');
    expect((asLogged(onlyLegacy(h)) as Record<string, unknown>).time).toBe(DEVICE_TIME_ISO);
  });
});

describe('received_at', () => {
  it('puts receivedAt into the legacy context as received_at', async () => {
    await postAt('2014-08-27T16:33:39.215Z');
    expect(asLogged(onlyLegacy(h))).toMatchObject({ context: { received_at: RECEIVED_AT_ISO } });
  });

  it.each([
    ['2018-12-11T07:27:28.015900357Z', '2018-12-11T07:27:28.015900+00:00'],
    ['2014-08-27T18:33:39.1+02:00', '2014-08-27T16:33:39.100000+00:00'],
    ['2014-08-27T16:33:39Z', '2014-08-27T16:33:39+00:00'],
  ])('converts receivedAt %s to %s', async (receivedAt, expected) => {
    await postAt('2014-08-27T16:33:39.215Z', receivedAt);
    expect(asLogged(onlyLegacy(h))).toMatchObject({ context: { received_at: expected } });
  });
});

describe('test_timestamp_success', () => {
  it.each(['2018-12-11T07:27:28.015900357Z', '2014-08-27T16:33:39.100Z', '2014-08-27T16:33:39.215Z'])(
    'records an event whose timestamp and receivedAt are both %s',
    async (timestamp) => {
      await postAt(timestamp, timestamp);
      const legacy = asLogged(onlyLegacy(h)) as { time: string; context: { received_at: string } };
      expect(legacy.time).toBe(legacy.context.received_at);
      expect(legacy.time.startsWith(timestamp.slice(0, 19))).toBe(true);
    },
  );
});
