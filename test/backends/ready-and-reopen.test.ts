import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { createTracker, edxDefaults, LoggerBackend, MemoryBackend, OptionsError, RoutingBackend, Tracker, TrackingLogTransport, type Backend, type FailureInfo } from '../../src';
import { registerTracker, tracker as trackerApi, unregisterTracker } from '../../src/core/registry';

const tempDir = () => mkdtempSync(join(tmpdir(), 'et-ready-'));

describe('tracker.ready()', () => {
  it('resolves once the tracking.log of edxDefaults is open, creating it and its directory', async () => {
    const file = join(tempDir(), 'var', 'log', 'tracking.log');
    const tracker = createTracker(edxDefaults({ trackingLog: file }));
    await tracker.ready();
    expect(existsSync(file)).toBe(true);
    await tracker.close();
  });

  it('rejects with the path, the cause and the fix when the path is under a regular file', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'not a directory');
    const file = join(blocker, 'tracking.log');
    const tracker = createTracker(edxDefaults({ trackingLog: file }));
    await expect(tracker.ready()).rejects.toThrow(
      `cannot create ${file}: ${blocker} is a file, not a directory; choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename), or move ${blocker} away`,
    );
    await tracker.close();
  });

  it('waits for every backend and rejects with the first failure in backend order', async () => {
    const answered: string[] = [];
    const slowFailure: Backend = {
      send: () => undefined,
      ready: () => new Promise((_, reject) => setTimeout(() => { answered.push('a'); reject(new Error('a failed')); }, 30)),
    };
    const fastFailure: Backend = { send: () => undefined, ready: async () => { answered.push('b'); throw new Error('b failed'); } };
    const tracker = new Tracker({ backends: { a: slowFailure, b: fastFailure, c: new MemoryBackend() } });
    await expect(tracker.ready()).rejects.toThrow('a failed');
    expect(answered).toEqual(['b', 'a']);
  });

  it('checks the TrackingLogTransports of a LoggerBackend given transports, and only those', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const bad = join(dir, 'file', 'tracking.log');
    const backend = new LoggerBackend({ transports: [new winston.transports.Console({ silent: true }), new TrackingLogTransport({ filename: bad })] });
    await expect(backend.ready()).rejects.toThrow(`cannot create ${bad}: `);
    await backend.close();
  });
});

describe('tracker.reopen()', () => {
  it('reaches the LoggerBackend through nested routers: a renamed tracking.log is let go and the path reopened', async () => {
    const file = join(tempDir(), 'tracking.log');
    const tracker = createTracker(edxDefaults({ trackingLog: file }));
    tracker.emit('before.rotation');
    await tracker.flush();
    renameSync(file, `${file}.1`);
    await tracker.reopen();
    tracker.emit('after.rotation');
    await tracker.close();
    const names = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line).event_type);
    expect(names(`${file}.1`)).toEqual(['before.rotation']);
    expect(names(file)).toEqual(['after.rotation']);
  });

  it('reports a backend whose reopen fails, and still reopens the others', async () => {
    const failures: [Error, FailureInfo][] = [];
    let reopened = 0;
    const failing: Backend = { send: () => undefined, reopen: async () => { throw new Error('cannot reopen'); } };
    const fine: Backend = { send: () => undefined, reopen: async () => { reopened++; } };
    const tracker = new Tracker({ backends: { failing, nested: new RoutingBackend({ backends: { fine } }) }, onError: (error, info) => failures.push([error, info]) });
    await expect(tracker.reopen()).resolves.toBeUndefined();
    expect(reopened).toBe(1);
    expect(failures.map(([error, info]) => [error.message, info])).toEqual([['cannot reopen', { stage: 'reopen', component: 'failing' }]]);
  });
});

describe('LoggerBackend maxQueuedBytes', () => {
  it('bounds the default transport in bytes, counting and reporting drops', async () => {
    const file = join(tempDir(), 'tracking.log');
    const backend = new LoggerBackend({ filename: file, maxQueuedBytes: 2000, maxEventSize: null });
    const failures: string[] = [];
    const tracker = new Tracker({ backends: { logger: backend }, onError: (error) => failures.push(error.message) });
    for (let i = 0; i < 10; i++) tracker.emit('big', { i, pad: 'x'.repeat(900) });
    await tracker.close();
    const written = readFileSync(file, 'utf8').trim().split('\n');
    expect(written.map((line) => JSON.parse(line).data.i)).toEqual([0, 1]);
    expect(failures).toEqual([
      expect.stringMatching(/^2 lines \(\d+ bytes\) are waiting for .*, the most allowed \(100000 lines, 2000 bytes\); dropping/),
      expect.stringMatching(/^8 line\(s\) were dropped while /),
    ]);
  });

  it('is refused with the user\'s own transports', () => {
    expect(() => new LoggerBackend({ transports: [], maxQueuedBytes: 10 })).toThrow(
      new OptionsError('LoggerBackend', 'maxQueuedBytes bounds the default transport; with your own logger or transports, bound them yourself'),
    );
  });
});

describe('the imported tracker object', () => {
  afterEach(() => unregisterTracker());

  it('has ready() and reopen() of the default tracker, as the README uses them', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    registerTracker(createTracker(edxDefaults({ trackingLog: join(blocker, 'tracking.log') })));
    await expect(trackerApi.ready()).rejects.toThrow(`${blocker} is a file, not a directory`);
    await trackerApi.close();

    let reopened = 0;
    registerTracker(new Tracker({ backends: { file: { send: () => undefined, reopen: async () => void reopened++ } } }));
    await expect(trackerApi.ready()).resolves.toBeUndefined();
    await trackerApi.reopen();
    expect(reopened).toBe(1);
  });

  it('rejects ready() and reopen() without a default tracker, naming the fix', async () => {
    await expect(trackerApi.ready()).rejects.toThrow(/No tracker is registered as 'default'/);
    await expect(trackerApi.reopen()).rejects.toThrow(/registerTracker\(tracker\)/);
  });
});
