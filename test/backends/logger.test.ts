import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import {
  EventTime, LegacyFieldMappingProcessor, LoggerBackend, Tracker, TrackingLogTransport, type FailureInfo,
} from '../../src';

const FROZEN = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));
const tempFile = (name = 'tracking.log') => join(mkdtempSync(join(tmpdir(), 'et-logger-')), name);
const readLines = (file: string) => readFileSync(file, 'utf8').split('\n');

function shimTracker(backend: LoggerBackend) {
  const failures: Array<[Error, FailureInfo]> = [];
  const tracker = new Tracker({
    backends: { logger: backend },
    processors: [new LegacyFieldMappingProcessor()],
    clock: () => FROZEN,
    onError: (error, info) => failures.push([error, info]),
  });
  return { tracker, failures };
}

describe('LoggerBackend', () => {
  it('writes one JSON line per event to the file, every line back on close', async () => {
    const file = tempFile();
    const { tracker } = shimTracker(new LoggerBackend({ filename: file }));
    for (let i = 0; i < 500; i++) tracker.emit('edx.test', { i });
    await tracker.close();
    const lines = readLines(file);
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(500);
    lines.forEach((line, i) => {
      const event = JSON.parse(line);
      expect(event).toMatchObject({ name: 'edx.test', event: { i }, time: '2013-10-03T08:24:55+00:00' });
    });
  });

  it('writes text outside ASCII byte for byte as UTF-8: accents, emoji, a lone surrogate', async () => {
    const file = tempFile();
    const { tracker } = shimTracker(new LoggerBackend({ filename: file }));
    const texts = ['é', 'ünïcödé ✓', '😀 and 𝄞', 'plain', 'lone \ud800 surrogate', '中文'.repeat(500)];
    for (let i = 0; i < 3000; i++) tracker.emit('edx.test', { i, text: texts[i % texts.length] });
    await tracker.close();
    const lines = readLines(file);
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3000);
    lines.forEach((line, i) => {
      const text = texts[i % texts.length]!;
      // JSON.stringify writes a lone surrogate as an escape: every line is valid UTF-8.
      expect(JSON.parse(line).event).toEqual({ i, text });
    });
    expect(readFileSync(file).includes(Buffer.from('😀 and 𝄞', 'utf8'))).toBe(true);
  });

  it('flush() puts every line emitted so far on disk, and the tracker keeps working', async () => {
    const file = tempFile();
    const { tracker } = shimTracker(new LoggerBackend({ filename: file }));
    tracker.emit('one');
    await tracker.flush();
    expect(readLines(file)).toHaveLength(2);
    tracker.emit('two');
    await tracker.flush();
    expect(readLines(file).slice(0, 2).map((l) => JSON.parse(l).name)).toEqual(['one', 'two']);
    await tracker.close();
  });

  it("writes exactly what Python's json.dumps writes with jsonStyle 'python'", async () => {
    const file = tempFile();
    const { tracker } = shimTracker(new LoggerBackend({ filename: file, jsonStyle: 'python' }));
    tracker.context('edx.request', {
      session: 's', user_id: 42, username: 'alice', ip: '11.22.33.44', host: 'h', agent: 'Mozilla/5.0', path: '/event',
      referer: 'r', accept_language: 'fr', client_id: null, course_id: 'course-v1:edX+DemoX+Demo_2014', org_id: 'edX', enterprise_uuid: '',
    }, () => {
      tracker.context('edx.course.browser', { event_source: 'browser', page: 'https://p/é' }, () =>
        tracker.emit('play_video', { id: 'abc', currentTime: 12.5, code: 'html5', note: 'naïve ✓' }));
      tracker.emit('server.x', { list: [1, 2.5, null, true], when: new EventTime(Date.UTC(2012, 4, 1, 7, 27, 1), 200) });
    });
    await tracker.close();
    expect(readLines(file).slice(0, 2)).toEqual([
      '{"name": "play_video", "context": {"user_id": 42, "path": "/event", "course_id": "course-v1:edX+DemoX+Demo_2014", "org_id": "edX", "enterprise_uuid": ""}, ' +
        '"username": "alice", "session": "s", "ip": "11.22.33.44", "agent": "Mozilla/5.0", "host": "h", "referer": "r", "accept_language": "fr", ' +
        '"event": "{\\"id\\": \\"abc\\", \\"currentTime\\": 12.5, \\"code\\": \\"html5\\", \\"note\\": \\"na\\\\u00efve \\\\u2713\\"}", ' +
        '"time": "2013-10-03T08:24:55+00:00", "event_type": "play_video", "event_source": "browser", "page": "https://p/\\u00e9"}',
      '{"name": "server.x", "context": {"user_id": 42, "path": "/event", "course_id": "course-v1:edX+DemoX+Demo_2014", "org_id": "edX", "enterprise_uuid": ""}, ' +
        '"username": "alice", "session": "s", "ip": "11.22.33.44", "agent": "Mozilla/5.0", "host": "h", "referer": "r", "accept_language": "fr", ' +
        '"event": {"list": [1, 2.5, null, true], "when": "2012-05-01T07:27:01.000200+00:00"}, ' +
        '"time": "2013-10-03T08:24:55+00:00", "event_type": "server.x", "event_source": "server", "page": null}',
    ]);
  });

  it('drops an event over maxEventSize, reports the drop and counts it', async () => {
    const file = tempFile();
    const backend = new LoggerBackend({ filename: file, maxEventSize: 300 });
    const { tracker, failures } = shimTracker(backend);
    tracker.emit('small', { foo: 'a' });
    tracker.emit('big', { foo: 'a'.repeat(300) });
    await tracker.close();
    expect(readLines(file).filter(Boolean).map((l) => JSON.parse(l).name)).toEqual(['small']);
    expect(backend.dropped).toBe(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]![1]).toEqual({ stage: 'drop', component: 'logger', eventName: 'big' });
    expect(failures[0]![0].message).toMatch(/over maxEventSize 300/);
  });

  it('writes events of any size with maxEventSize null', async () => {
    const file = tempFile();
    const { tracker } = shimTracker(new LoggerBackend({ filename: file, maxEventSize: null }));
    tracker.emit('big', { foo: 'a'.repeat(100_000) });
    await tracker.close();
    expect(JSON.parse(readLines(file)[0]!).event.foo).toHaveLength(100_000);
  });

  it('reports an event it cannot encode and writes the others', async () => {
    const file = tempFile();
    const backend = new LoggerBackend({ filename: file });
    const { tracker, failures } = shimTracker(backend);
    tracker.emit('bigint', { n: 1n });
    tracker.emit('fine');
    await tracker.close();
    expect(readLines(file).filter(Boolean).map((l) => JSON.parse(l).name)).toEqual(['fine']);
    expect(failures[0]![1]).toMatchObject({ stage: 'serialize', eventName: 'bigint' });
  });

  it('reports a file it cannot write, without throwing, and writes again once it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-unwritable-'));
    // The log's directory is a regular file: opening fails whoever runs the test (root included).
    const parent = join(dir, 'logs');
    writeFileSync(parent, '');
    const file = join(parent, 'tracking.log');
    const { tracker, failures } = shimTracker(new LoggerBackend({ filename: file }));
    expect(() => tracker.emit('lost', {})).not.toThrow();
    await tracker.flush();
    expect(failures).toHaveLength(1);
    expect(failures[0]![0].message).toMatch(/1 line\(s\) not written to .*logs\/tracking.log/);
    rmSync(parent);
    tracker.emit('written', {});
    await tracker.close();
    expect(JSON.parse(readLines(file)[0]!).name).toBe('written');
  });

  it('bounds the lines waiting for the disk: drops past maxQueuedLines, counted and reported twice', async () => {
    const file = tempFile();
    const backend = new LoggerBackend({ filename: file, maxQueuedLines: 10 });
    const { tracker, failures } = shimTracker(backend);
    for (let i = 0; i < 50; i++) tracker.emit('burst', { i });
    await tracker.flush();
    const transport = backend.logger.transports[0] as TrackingLogTransport;
    expect(readLines(file).filter(Boolean).map((l) => JSON.parse(l).event.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(transport.dropped).toBe(40);
    expect(failures.map(([error]) => error.message)).toEqual([
      expect.stringMatching(/^10 lines \(\d+ bytes\) are waiting for .*, the most allowed \(10 lines, 67108864 bytes\); dropping lines until the disk catches up$/),
      expect.stringMatching(/^40 line\(s\) were dropped while .* could not keep up$/),
    ]);
    tracker.emit('after', { i: 50 });
    await tracker.close();
    expect(JSON.parse(readLines(file)[10]!).event.i).toBe(50);
  });

  it('works with the user\'s own transports, here winston\'s File transport', async () => {
    const file = tempFile();
    const backend = new LoggerBackend({ transports: [new winston.transports.File({ filename: file })] });
    const { tracker } = shimTracker(backend);
    for (let i = 0; i < 50; i++) tracker.emit('via.file.transport', { i });
    await tracker.close();
    const lines = readLines(file).filter(Boolean);
    expect(lines).toHaveLength(50);
    expect(JSON.parse(lines[49]!).event).toEqual({ i: 49 });
  });

  it('logs through the user\'s own logger, flushing but not closing it', async () => {
    const file = tempFile();
    const transport = new TrackingLogTransport({ filename: file });
    const logger = winston.createLogger({ format: winston.format.printf((info) => `TRACK ${String(info.message)}`), transports: [transport] });
    const { tracker } = shimTracker(new LoggerBackend({ logger }));
    tracker.emit('mine');
    await tracker.close();
    expect(readLines(file)[0]).toMatch(/^TRACK \{"name":"mine"/);
    logger.info('still usable');
    await transport.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await transport.flush();
    expect(readLines(file)[1]).toBe('TRACK still usable');
    logger.end();
  });

  it('rejects conflicting or invalid options with a message naming them', () => {
    expect(() => new LoggerBackend({ filename: 'a', transports: [] })).toThrow('give only one of logger, transports and filename (got transports and filename)');
    expect(() => new LoggerBackend({ transports: [], maxQueuedLines: 10 })).toThrow(
      'LoggerBackend: maxQueuedLines bounds the default transport; with your own logger or transports, bound them yourself',
    );
    expect(() => new LoggerBackend({ filename: 'a', reportInterval: 100 })).toThrow(/^LoggerBackend: reportInterval throttles the reports of your own logger or transports/);
    expect(() => new LoggerBackend({ maxEventSize: 0 })).toThrow(`LoggerBackend: option 'maxEventSize' must be null or an integer of 1 or more, got 0 (a number)`);
    expect(() => new LoggerBackend({ jsonStyle: 'yaml' as never })).toThrow(/option 'jsonStyle' must be one of "compact", "python", got "yaml"/);
  });
});
