import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTracker, edxDefaults, engineNames, LegacyFieldMappingProcessor, LoggerBackend, MemoryBackend, registerEngine,
  RoutingBackend, type TrackedEvent,
} from '../../src';

describe('createTracker', () => {
  it('builds nested routers, processors and backends from data, Python keys and paths included', () => {
    const tracker = createTracker({
      backends: {
        tracking_logs: {
          ENGINE: 'eventtracking.backends.routing.RoutingBackend',
          OPTIONS: {
            backends: { mem: { ENGINE: 'MemoryBackend' } },
            processors: [{ ENGINE: 'track.shim.LegacyFieldMappingProcessor' }],
          },
        },
        filtered: {
          engine: 'RoutingBackend',
          options: {
            backends: { mem: { engine: 'MemoryBackend' } },
            processors: [{ engine: 'eventtracking.processors.regex_filter.RegexFilter', options: { filter_type: 'allowlist', regular_expressions: ['keep'] } }],
          },
        },
      },
      processors: [{ engine: 'NameWhitelistProcessor', options: { whitelist: ['keep.me', 'drop.me'] } }],
    });
    const logs = tracker.getBackend('tracking_logs') as RoutingBackend;
    const filtered = tracker.getBackend('filtered') as RoutingBackend;
    expect(logs).toBeInstanceOf(RoutingBackend);
    expect(tracker.processors).toHaveLength(1);
    tracker.emit('keep.me', { a: 1 });
    tracker.emit('drop.me');
    tracker.emit('not.whitelisted');
    const logged = (logs.backends.get('mem') as MemoryBackend).events;
    expect(logged.map((e) => e.event_type)).toEqual(['keep.me', 'drop.me']);
    expect((filtered.backends.get('mem') as MemoryBackend).events.map((e) => e.name)).toEqual(['keep.me']);
  });

  it('accepts built components among the data', () => {
    const mem = new MemoryBackend();
    const tracker = createTracker({ backends: { mem }, processors: [new LegacyFieldMappingProcessor()] });
    tracker.emit('x');
    expect(mem.events[0]!.event_type).toBe('x');
  });

  it('names the path and the known engines for an unknown engine', () => {
    expect(() => createTracker({ backends: { a: { engine: 'RoutingBackend', options: { backends: { b: { engine: 'Nope' } } } } } })).toThrow(
      /^backends\.a\.options\.backends\.b: unknown engine "Nope"; known engines: .*LoggerBackend.*MemoryBackend/,
    );
  });

  it('names the component whose options are wrong', () => {
    expect(() => createTracker({ processors: [{ engine: 'NameWhitelistProcessor', options: { whitelist: 'x' } }] })).toThrow(
      /^processors\[0\] \(NameWhitelistProcessor\): NameWhitelistProcessor: whitelist must be an array/,
    );
  });

  it('lets users register their own engines', () => {
    const seen: TrackedEvent[] = [];
    registerEngine('test.CollectingBackend', (options) => ({ send: (e: TrackedEvent) => { seen.push({ ...e, tag: options.tag }); } }));
    expect(engineNames()).toContain('test.CollectingBackend');
    createTracker({ backends: { c: { engine: 'test.CollectingBackend', options: { tag: 't' } } } }).emit('custom');
    expect(seen[0]).toMatchObject({ name: 'custom', tag: 't' });
  });
});

describe('edxDefaults', () => {
  it('is the LMS tracking_logs branch as data', () => {
    expect(edxDefaults({ trackingLog: '/var/log/tracking.log' })).toEqual({
      backends: {
        tracking_logs: {
          engine: 'RoutingBackend',
          options: {
            backends: { logger: { engine: 'LoggerBackend', options: { maxEventSize: 50000, filename: '/var/log/tracking.log' } } },
            processors: [{ engine: 'PasswordCensorProcessor' }, { engine: 'LegacyFieldMappingProcessor' }, { engine: 'PrefixedEventProcessor' }],
          },
        },
      },
      processors: [],
    });
    // censorPasswords: false gives Open edX's configuration exactly.
    const plain = edxDefaults({ trackingLog: '/var/log/tracking.log', censorPasswords: false });
    expect((plain.backends!.tracking_logs as { options: { processors: unknown[] } }).options.processors).toEqual([
      { engine: 'LegacyFieldMappingProcessor' },
      { engine: 'PrefixedEventProcessor' },
    ]);
  });

  it('builds a tracker writing legacy lines to tracking.log', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'et-defaults-')), 'tracking.log');
    const tracker = createTracker(edxDefaults({ trackingLog: { filename: file, jsonStyle: 'python' } }));
    const logger = (tracker.getBackend('tracking_logs') as RoutingBackend).backends.get('logger') as LoggerBackend;
    expect(logger.jsonStyle).toBe('python');
    tracker.emit('edx.course.enrollment.activated', { course_id: 'a/b/c' });
    await tracker.close();
    const line = readFileSync(file, 'utf8').trim();
    expect(line).toMatch(/^\{"name": "edx.course.enrollment.activated", "context": \{\}, "username": "", /);
    expect(JSON.parse(line)).toMatchObject({ event: { course_id: 'a/b/c' }, event_source: 'server', page: null });
  });
});
