import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, edxDefaults, MemoryBackend, RoutingBackend, type EdxDefaultsOptions, type TrackedEvent } from '../../src';
import { fastPaths } from '../../src/core/fast-paths';
import type { BranchShortcut } from '../../src/core/routing';

const logFile = () => join(mkdtempSync(join(tmpdir(), 'et-lane-')), 'tracking.log');

/** Runs `emit` on a fresh edxDefaults tracker with `options`: how many events took a fast path, and the lines written. */
async function emitThrough(options: EdxDefaultsOptions, emit: (tracker: ReturnType<typeof createTracker>) => void): Promise<{ taken: number; lines: string[] }> {
  const filename = logFile();
  const trackingLog = typeof options.trackingLog === 'object' ? { ...options.trackingLog, filename } : filename;
  const tracker = createTracker({ ...edxDefaults({ ...options, trackingLog }), onError: () => undefined });
  const before = fastPaths.taken;
  emit(tracker);
  const taken = fastPaths.taken - before;
  await tracker.close();
  return { taken, lines: readFileSync(filename, 'utf8').split('\n').filter(Boolean) };
}

const enrollment = (tracker: ReturnType<typeof createTracker>) => tracker.emit('edx.course.enrollment.activated', { course_id: 'course-v1:a+b+c', mode: 'audit' });

describe('the tracking.log fast path (LegacyLineLane)', () => {
  it('writes the lines of an edxDefaults tracker, in both JSON styles and without the censor', async () => {
    for (const options of [{}, { trackingLog: { jsonStyle: 'python' as const } }, { censorPasswords: false }]) {
      const { taken, lines } = await emitThrough(options, enrollment);
      expect(taken).toBe(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ event_type: 'edx.course.enrollment.activated', event: { mode: 'audit' } });
    }
  });

  it('steps aside for Tutor lines, a transformer, something to censor and a context object', async () => {
    const tutor = await emitThrough({ trackingLog: { lineFormat: 'tutor' } }, enrollment);
    expect(tutor.taken).toBe(0);
    expect(tutor.lines[0]).toMatch(/\[tracking\].* - \{"name":"edx\.course\.enrollment\.activated"/);
    const declined = await emitThrough({}, (tracker) => {
      tracker.emit('edx.video.played', { id: 'v', currentTime: 1, code: 'html5' });
      tracker.emit('edx.course.enrollment.activated', { api_key: 'k' });
      tracker.context('edx.custom', { module: { id: 'm' } }, () => enrollment(tracker));
    });
    expect(declined.taken).toBe(0);
    expect(declined.lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
      { event_type: 'play_video' },
      { event: { api_key: '********' } },
      { context: { module: { id: 'm' } } },
    ]);
  });

  it('is not given to a branch that differs from edxDefaults\' tracking.log branch', async () => {
    const filename = logFile();
    const tracker = createTracker({
      backends: {
        tracking_logs: {
          engine: 'RoutingBackend',
          options: {
            backends: { logger: { engine: 'LoggerBackend', options: { filename } } },
            processors: [{ engine: 'LegacyFieldMappingProcessor' }, { engine: 'PrefixedEventProcessor' }, (event: TrackedEvent) => ({ ...event, extra: 1 })],
          },
        },
      },
    });
    const before = fastPaths.taken;
    enrollment(tracker);
    expect(fastPaths.taken).toBe(before);
    await tracker.close();
    expect(JSON.parse(readFileSync(filename, 'utf8'))).toMatchObject({ extra: 1 });
  });
});

describe('a RoutingBackend shortcut', () => {
  const event: TrackedEvent = { name: 'e', data: { a: 1 }, context: {} };

  function branchWith(answer: () => boolean) {
    const memory = new MemoryBackend();
    const router = new RoutingBackend({ backends: { memory } });
    const seen: TrackedEvent[] = [];
    const shortcut: BranchShortcut = { send: (copy) => (seen.push(copy), answer()) };
    router.useShortcut(shortcut);
    return { router, memory, seen };
  }

  afterEach(() => {
    fastPaths.enabled = true;
  });

  it('gets the branch\'s copy; when it delivers, the backends are not called', () => {
    const { router, memory, seen } = branchWith(() => true);
    router.send(event);
    expect(seen).toEqual([event]);
    expect(seen[0]).not.toBe(event);
    expect(memory.events).toEqual([]);
  });

  it('leaves the event to the processors and backends when it declines or throws, or when fast paths are off', () => {
    for (const answer of [() => false, () => { throw new Error('boom'); }]) {
      const { router, memory } = branchWith(answer);
      router.send(event);
      expect(memory.events).toEqual([event]);
    }
    const { router, memory, seen } = branchWith(() => true);
    fastPaths.enabled = false;
    router.send(event);
    expect(seen).toEqual([]);
    expect(memory.events).toEqual([event]);
  });

  it('is removed when a processor or a backend is registered: it was made for the branch as it was', () => {
    const { router, memory, seen } = branchWith(() => true);
    router.registerProcessor((copy) => ({ ...copy, processed: true }));
    router.send(event);
    expect(seen).toEqual([]);
    expect(memory.events).toEqual([{ ...event, processed: true }]);
  });
});
