// Tutor's line format: LoggerBackend({ lineFormat: 'tutor' }) writes each event the way
// Tutor's LMS does through Python's logging, so that Open edX Aspects' Vector pipeline
// takes the lines unchanged. Python 3's logging, configured as Tutor configures the
// `tracking` logger, is the oracle of the prefix; Aspects' own regex is the reader.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, edxDefaults, LegacyFieldMappingProcessor, LoggerBackend, Tracker, type FailureInfo } from '../../src';
import { encodeJson } from '../../src/encoding/json';
import { TUTOR_TRACKING_FORMAT, tutorLinePrefix } from '../../src/encoding/tutor-line';
import { parseTrackingLine } from '../../src/operations/tracking-line';

/**
 * The filter of openedx/tutor-contrib-aspects' Vector config (templates/aspects/apps/vector/partials/common-post.toml).
 * With the `s` flag, as in Rust's regex crate (Vector's) on one line: `.` is any character but `\n`, where
 * JavaScript's `.` would also refuse U+2028 and U+2029, which compact JSON leaves unescaped.
 */
const ASPECTS = /^.* \[tracking\] [^{}]* (\{.*\})$/s;
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'et-tutor-')), 'tracking.log');

/** One record as Open edX's request would give it to Python's logging: the user's pk and REMOTE_ADDR (None: none). */
interface PythonRecord {
  ms: number;
  pid: number;
  userid: number | string | null;
  remoteip: string | null;
  message: string;
}

/**
 * What Python's logging writes for `records`, configured as Tutor configures the
 * `tracking` logger: edx-platform's `standard` formatter on a WatchedFileHandler, TZ=UTC.
 * The record's user and IP are what edx_django_utils' UserIdFilter and RemoteIpFilter
 * set. What cannot be the same in another process is set on the record too: the pid, and
 * the caller (`logger.py:41`, event-tracking's `self.log(event_str)`). Python's clock is
 * set to the middle of our millisecond: Node's clock reads whole milliseconds, Python's
 * microseconds, and Python 3.11 computes `msecs` from a float, so `.123` exactly could
 * print as `,122` where a real clock reading in that millisecond prints `,123`.
 */
function pythonLines(records: PythonRecord[]): string[] {
  const file = tempFile();
  const script = `
import json, logging, logging.config, sys, time
FORMAT, PATH = sys.argv[1], sys.argv[2]
current = {}
class OpenEdxRequest(logging.Filter):
    def filter(self, record):
        record.userid = current['userid']
        record.remoteip = current['remoteip']
        record.process = current['pid']
        record.filename, record.lineno = 'logger.py', 41
        return True
logging.config.dictConfig({
    'version': 1,
    'formatters': {'standard': {'format': FORMAT}},
    'filters': {'request': {'()': OpenEdxRequest}},
    'handlers': {'tracking': {'level': 'DEBUG', 'class': 'logging.handlers.WatchedFileHandler', 'filename': PATH,
                              'formatter': 'standard', 'filters': ['request']}},
    'loggers': {'tracking': {'handlers': ['tracking'], 'level': 'DEBUG', 'propagate': False}},
})
log = logging.getLogger('tracking')
for line in sys.stdin:
    current = json.loads(line)
    ns = current['ms'] * 1000000 + 500000
    time.time = lambda: ns / 1e9
    time.time_ns = lambda: ns
    log.info(current['message'])
`;
  const run = spawnSync('python3', ['-c', script, TUTOR_TRACKING_FORMAT, file], {
    input: records.map((record) => JSON.stringify(record)).join('\n'),
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  if (run.error || run.status !== 0) throw new Error(`python3 could not run (${run.error?.message ?? run.stderr}); it is the oracle of this test`);
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

const event = (userId: unknown, ip: unknown, extra: Record<string, unknown> = {}) => ({
  name: 'edx.course.enrollment.activated',
  context: { user_id: userId, course_id: 'course-v1:edX+DemoX+Demo_2014', path: '/enroll' },
  username: 'alice',
  ip,
  event: { course_id: 'course-v1:edX+DemoX+Demo_2014', mode: 'audit', note: 'é ✓ {not} [tracking]' },
  time: '2024-05-01T07:27:01.123456+00:00',
  event_type: 'edx.course.enrollment.activated',
  event_source: 'server',
  page: null,
  ...extra,
});

describe("Tutor's line prefix", () => {
  it("is what Python's logging writes with Tutor's settings, byte for byte", () => {
    // [event, the instant, the pid, and what Open edX's request holds: user pk, REMOTE_ADDR]
    const cases: Array<[Record<string, unknown>, number, number, number | string | null, string | null]> = [
      [event(42, '11.22.33.44'), Date.UTC(2024, 4, 1, 7, 27, 1, 123), 4242, 42, '11.22.33.44'],
      [event(null, ''), Date.UTC(2024, 4, 1, 7, 27, 1, 0), 1, null, null],
      [event(undefined, undefined), Date.UTC(2023, 11, 31, 23, 59, 59, 999), 99999, null, null],
      [event(7, '2001:db8::1'), Date.UTC(2024, 1, 29, 12, 0, 0, 5), 77, 7, '2001:db8::1'],
      [event(123456789, '10.0.0.1'), Date.UTC(2030, 0, 1, 0, 0, 0, 50), 4194304, 123456789, '10.0.0.1'],
      [event('8', '127.0.0.1'), Date.UTC(1999, 11, 31, 23, 59, 59, 998), 2, '8', '127.0.0.1'],
    ];
    for (let i = 0; i < 200; i++) {
      const ms = Date.UTC(2024, 0, 1) + Math.floor(((i * 7919) % 10007) * 3600 * 1000 + i * 37);
      cases.push([event(i + 1, `192.0.2.${i % 256}`), ms, 1000 + i, i + 1, `192.0.2.${i % 256}`]);
    }
    for (const style of ['compact', 'python'] as const) {
      const ours = cases.map(([e, ms, pid]) => tutorLinePrefix(e, ms, pid) + encodeJson(e, style));
      const python = pythonLines(cases.map(([e, ms, pid, userid, remoteip]) => ({ ms, pid, userid, remoteip, message: encodeJson(e, style) })));
      expect(ours).toEqual(python);
    }
    expect(tutorLinePrefix(cases[0]![0], cases[0]![1], 4242)).toBe('2024-05-01 07:27:01,123 INFO 4242 [tracking] [user 42] [ip 11.22.33.44] logger.py:41 - ');
  });

  it('writes None for a user id or IP address that could break the line, or that Python would not print', () => {
    const hostile = [
      [0, '1.2.3.4}'],
      ['', 'not an ip'],
      ['a b', '1.2.3.4\n2024-05-01 00:00:00,000 INFO'],
      ['{"x":1}', '{}'],
      [1.5, ['1.2.3.4']],
      [{ id: 1 }, null],
    ];
    for (const [userId, ip] of hostile) {
      const e = event(userId, ip);
      const line = tutorLinePrefix(e, Date.UTC(2024, 4, 1), 1) + encodeJson(e);
      expect(line).toMatch(/\[user None\] \[ip None\] logger\.py:41 - \{/);
      expect(line).not.toContain('\n');
      expect(JSON.parse(ASPECTS.exec(line)![1]!)).toEqual(e);
    }
  });
});

describe("LoggerBackend({ lineFormat: 'tutor' })", () => {
  function twoLogs(jsonStyle: 'compact' | 'python') {
    const [plainFile, tutorFile] = [tempFile(), tempFile()];
    const failures: Array<[Error, FailureInfo]> = [];
    const tracker = new Tracker({
      backends: {
        plain: new LoggerBackend({ filename: plainFile, jsonStyle }),
        tutor: new LoggerBackend({ filename: tutorFile, jsonStyle, lineFormat: 'tutor' }),
      },
      processors: [new LegacyFieldMappingProcessor()],
      onError: (error, info) => failures.push([error, info]),
    });
    return { tracker, plainFile, tutorFile, failures };
  }

  it.each(['compact', 'python'] as const)(
    "writes the plain line after the prefix, which Aspects' regex takes, for every event (%s JSON)",
    async (jsonStyle) => {
      const { tracker, plainFile, tutorFile, failures } = twoLogs(jsonStyle);
      const before = Date.now();
      const texts = ['é', '中文 ✓', 'a } b { c', ' [tracking] x ', '😀', '\u2028'];
      for (let i = 0; i < 300; i++) {
        tracker.context('edx.request', { user_id: i % 3 === 0 ? null : i, ip: i % 5 === 0 ? '' : `10.0.${i % 7}.${i % 250}`, username: `u${i}` }, () => {
          tracker.emit(`edx.test.event${i % 4}`, { i, text: texts[i % texts.length] });
        });
      }
      await tracker.close();
      const after = Date.now();
      const plain = readFileSync(plainFile, 'utf8').split('\n').slice(0, -1);
      const tutor = readFileSync(tutorFile, 'utf8').split('\n').slice(0, -1);
      expect(failures).toEqual([]);
      expect(tutor).toHaveLength(300);
      tutor.forEach((line, i) => {
        const match = ASPECTS.exec(line);
        expect(match?.[1]).toBe(plain[i]);
        const prefix = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) INFO (\d+) \[tracking\] \[user (\w+)\] \[ip ([\d.]+|None)\] logger\.py:41 - $/.exec(line.slice(0, line.length - plain[i]!.length));
        expect(prefix).not.toBeNull();
        const [, seconds, millis, pid, user, ip] = prefix!;
        const at = Date.parse(`${seconds!.replace(' ', 'T')}.${millis}Z`);
        expect(at).toBeGreaterThanOrEqual(before);
        expect(at).toBeLessThanOrEqual(after);
        expect(Number(pid)).toBe(process.pid);
        expect(user).toBe(i % 3 === 0 ? 'None' : String(i));
        expect(ip).toBe(i % 5 === 0 ? 'None' : `10.0.${i % 7}.${i % 250}`);
        expect(parseTrackingLine(line)?.event).toEqual(JSON.parse(plain[i]!));
      });
    },
  );

  it('counts maxEventSize on the JSON part only, as Open edX does', async () => {
    const file = tempFile();
    const failures: Error[] = [];
    const backend = new LoggerBackend({ filename: file, lineFormat: 'tutor', maxEventSize: 200 });
    const tracker = new Tracker({ backends: { logger: backend }, onError: (error) => failures.push(error) });
    const sized = (n: number) => ({ x: 'a'.repeat(n) });
    tracker.emit('e', sized(100));
    tracker.emit('e', sized(400));
    await tracker.close();
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeGreaterThan(200);
    expect(lines[0]!.slice(lines[0]!.indexOf('{')).length).toBeLessThanOrEqual(200);
    expect(backend.dropped).toBe(1);
    expect(failures.map((error) => error.message)).toEqual([expect.stringMatching(/over maxEventSize 200/)]);
  });

  it("is reachable as edxDefaults({ trackingLog: { lineFormat: 'tutor' } }), as data too, and refuses a wrong value", async () => {
    const file = tempFile();
    const tracker = createTracker(edxDefaults({ trackingLog: { filename: file, lineFormat: 'tutor' } }));
    tracker.context('edx.request', { user_id: 42, ip: '11.22.33.44', username: 'alice' }, () => tracker.emit('edx.course.enrollment.activated', { mode: 'audit' }));
    await tracker.close();
    const line = readFileSync(file, 'utf8').trimEnd();
    expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO \d+ \[tracking\] \[user 42\] \[ip 11\.22\.33\.44\] logger\.py:41 - \{"name":"edx\.course\.enrollment\.activated"/);
    expect(JSON.parse(ASPECTS.exec(line)![1]!)).toMatchObject({ username: 'alice', event: { mode: 'audit' } });
    const logs = edxDefaults({ tracking_log: { line_format: 'tutor' } } as never).backends!.tracking_logs as { options: { backends: { logger: { options: unknown } } } };
    expect(logs.options.backends.logger.options).toEqual({ maxEventSize: 50000, lineFormat: 'tutor' });
    expect(() => new LoggerBackend({ lineFormat: 'python' as never })).toThrow(`LoggerBackend: option 'lineFormat' must be one of "plain", "tutor", got "python" (a string)`);
    expect(() => new LoggerBackend({ lineformat: 'tutor' } as never)).toThrow("LoggerBackend: unknown option 'lineformat'; did you mean 'lineFormat'?");
    expect(() => edxDefaults({ trackingLog: { lineFormat: 'Tutor' as never } })).toThrow(`option 'trackingLog.lineFormat' must be one of "plain", "tutor", got "Tutor"`);
  });
});

describe('reading a Tutor line', () => {
  it("takes the JSON part from the first brace: braces and ' [tracking] ' inside the event do not mislead it, where Aspects' greedy regex is", () => {
    const e = event(42, '11.22.33.44', { event: { text: 'see [tracking] here {' } });
    const line = tutorLinePrefix(e, Date.UTC(2024, 4, 1), 1) + encodeJson(e);
    expect(parseTrackingLine(line)?.event).toEqual(e);
    // Aspects' filter misreads it, as it would the same line from Tutor's Python: its `.*` takes the last ' [tracking] '.
    const captured = ASPECTS.exec(line)![1]!;
    expect(captured.startsWith('{"},"time":')).toBe(true);
    expect(() => JSON.parse(captured)).toThrow();
  });
});
