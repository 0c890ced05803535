import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTracker, edxDefaults, engineNames, LegacyFieldMappingProcessor, LoggerBackend, MemoryBackend, NameWhitelistProcessor, PrefixedEventProcessor, registerEngine,
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
      /^createTracker: backends\.a\.options\.backends\.b: unknown engine "Nope"; known engines: .*LoggerBackend.*MemoryBackend/,
    );
  });

  it('names the component whose options are wrong', () => {
    expect(() => createTracker({ processors: [{ engine: 'NameWhitelistProcessor', options: { whitelist: 'x' } }] })).toThrow(
      `createTracker: processors[0] (NameWhitelistProcessor): option 'whitelist' must be an array or a Set of event names, got "x" (a string)`,
    );
  });

  it('lets users register their own engines', () => {
    const seen: TrackedEvent[] = [];
    registerEngine('test.CollectingBackend', (options: Record<string, unknown>) => ({ send: (e: TrackedEvent) => { seen.push({ ...e, tag: options.tag }); } }));
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

  it('passes censorPasswords options to the PasswordCensorProcessor of every branch (snake_case too)', async () => {
    const config = edxDefaults({ trackingLog: '/var/log/tracking.log', censor_passwords: { extra_keys: ['pin'] }, segment: { writeKey: 'k', whitelist: ['a'] }, bus: { redis: 'redis://127.0.0.1:6379', stream: 's' } } as never);
    const processorsOf = (branch: string) => (config.backends![branch] as { options: { processors: Array<{ engine: string }> } }).options.processors;
    for (const branch of ['tracking_logs', 'segmentio', 'bus']) {
      expect(processorsOf(branch).find((p) => p.engine === 'PasswordCensorProcessor')).toEqual({ engine: 'PasswordCensorProcessor', options: { extraKeys: ['pin'] } });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'et-defaults-')), 'tracking.log');
    const tracker = createTracker(edxDefaults({ trackingLog: file, censorPasswords: { extraKeys: ['pin'] } }));
    tracker.emit('edx.form', { PIN: '1234', Token: 't0ken', note: 'kept' });
    await tracker.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).event).toEqual({ PIN: '********', Token: '********', note: 'kept' });
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

describe('misspelled configuration is refused, naming the nearest valid name', () => {
  it.each([
    [() => createTracker({ backend: { mem: { engine: 'MemoryBackend' } } } as never), "createTracker: unknown option 'backend'; did you mean 'backends'?"],
    [() => createTracker({ procesors: [] } as never), "createTracker: unknown option 'procesors'; did you mean 'processors'?"],
    [
      () => createTracker({ backends: { log: { engine: 'LoggerBackend', options: { fileName: 'x.log' } } } }),
      "createTracker: backends.log (LoggerBackend): unknown option 'fileName'; did you mean 'filename'?",
    ],
    [
      () => createTracker({ backends: { log: { engine: 'LoggerBackend', option: { filename: 'x.log' } } as never } }),
      "createTracker: backends.log: unknown key 'option' in the engine spec; did you mean 'options'?",
    ],
    [
      () => createTracker({ backends: { log: { engine: 'LogerBackend' } } }),
      "createTracker: backends.log: unknown engine \"LogerBackend\"; did you mean 'LoggerBackend'?",
    ],
    [
      () => createTracker({ processors: [{ engine: 'LegacyFieldMappingProcessor', options: { strict: true } }] }),
      "createTracker: processors[0] (LegacyFieldMappingProcessor): unknown option 'strict'; it takes no options",
    ],
    [
      () => createTracker({ backends: { log: { engine: 'LoggerBackend', options: { max_event_size: '50k' } } } }),
      `createTracker: backends.log (LoggerBackend): option 'maxEventSize' must be null or an integer of 1 or more, got "50k" (a string)`,
    ],
    [() => createTracker({ close_timeout: -1 } as never), "createTracker: option 'closeTimeout' must be a number of 0 or more, got -1 (a number)"],
    [() => edxDefaults({ trackinglog: 'x.log' } as never), "edxDefaults: unknown option 'trackinglog'; did you mean 'trackingLog'?"],
    [() => edxDefaults({ trackingLog: { fileName: 'x.log' } as never }), "edxDefaults: unknown option 'trackingLog.fileName'; did you mean 'trackingLog.filename'?"],
    [() => edxDefaults({ segment: { writeKey: 'k', whiteList: ['a'] } as never }), "edxDefaults: unknown option 'segment.whiteList'; did you mean 'segment.whitelist'?"],
    [() => edxDefaults({ segment: { writeKey: 'k', whitelist: 'a' as never } }), `edxDefaults: option 'segment.whitelist' must be an array of items that are each a string, got "a" (a string)`],
    [() => edxDefaults({ bus: { redis: 'redis://x', stream: 's', batchsize: 5 } as never }), "edxDefaults: unknown option 'bus.batchsize'; did you mean 'bus.batchSize'?"],
    [() => edxDefaults({ censorPasswords: 'no' as never }), `edxDefaults: option 'censorPasswords' must be true or false or an object, got "no" (a string)`],
    [() => edxDefaults({ censorPasswords: { extrakeys: ['pin'] } as never }), "edxDefaults: unknown option 'censorPasswords.extrakeys'; did you mean 'censorPasswords.extraKeys'?"],
    [() => edxDefaults({ censorPasswords: { keys: 'pin' } as never }), `edxDefaults: option 'censorPasswords.keys' must be an array of items that are each a non-empty string, got "pin" (a string)`],
  ])('%#: %s', (build, message) => {
    expect(build).toThrow(message);
  });
});

function failingProcessor(): never {
  throw new Error('processor failed');
}

describe('configuration data in snake_case', () => {
  it('is accepted by edxDefaults at every level, as camelCase', () => {
    const config = edxDefaults({ tracking_log: { filename: 'x.log', json_style: 'python' }, censor_passwords: false, segment: { write_key: 'k', whitelist: ['a'], flush_at: 5 } } as never);
    const logs = config.backends!.tracking_logs as { options: { backends: { logger: { options: unknown } } } };
    expect(logs.options.backends.logger.options).toEqual({ maxEventSize: 50000, filename: 'x.log', jsonStyle: 'python' });
    const segment = config.backends!.segmentio as { options: { backends: { segment: { options: unknown } }; processors: unknown[] } };
    expect(segment.options.backends.segment.options).toEqual({ writeKey: 'k', flushAt: 5 });
    expect(segment.options.processors[0]).toEqual({ engine: 'NameWhitelistProcessor', options: { whitelist: ['a'] } });
  });

  it('is accepted by createTracker for the tracker and the engines, and takes effect', () => {
    const errors: string[] = [];
    const tracker = createTracker({
      on_error: (error: Error) => errors.push(error.message),
      close_timeout: 250,
      backends: {
        closed: {
          engine: 'RoutingBackend',
          options: { fail_closed: true, backends: { mem: { engine: 'MemoryBackend' } }, processors: [failingProcessor] },
        },
        open: { engine: 'RoutingBackend', options: { backends: { mem: { engine: 'MemoryBackend' } }, processors: [failingProcessor] } },
        logs: { engine: 'LoggerBackend', options: { filename: join(mkdtempSync(join(tmpdir(), 'et-snake-')), 'x.log'), max_event_size: 10 } },
      },
    } as never);
    tracker.emit('x');
    const memOf = (name: string) => (tracker.getBackend(name) as RoutingBackend).backends.get('mem') as MemoryBackend;
    expect(memOf('closed').events).toHaveLength(0); // fail_closed: the event is dropped on that branch
    expect(memOf('open').events).toHaveLength(1);
    expect(((tracker.getBackend('logs') as LoggerBackend).maxEventSize)).toBe(10);
    expect(errors.filter((message) => message === 'processor failed')).toHaveLength(2);
  });

  it('refuses an option given in both spellings', () => {
    expect(() => createTracker({ closeTimeout: 5, close_timeout: 7 } as never)).toThrow(
      "createTracker: option 'closeTimeout' is given twice, in camelCase and in snake_case; keep one",
    );
  });
});

describe('processors', () => {
  it('are the configured processor objects, on the tracker and on each router', () => {
    const legacy = new LegacyFieldMappingProcessor();
    const tracker = createTracker({
      processors: [legacy, { engine: 'NameWhitelistProcessor', options: { whitelist: ['a'] } }],
      backends: { logs: { engine: 'RoutingBackend', options: { processors: [{ engine: 'PrefixedEventProcessor' }] } } },
    });
    expect(tracker.processors[0]).toBe(legacy);
    expect(tracker.processors[1]).toBeInstanceOf(NameWhitelistProcessor);
    expect((tracker.processors[1] as NameWhitelistProcessor).whitelist).toEqual(new Set(['a']));
    expect((tracker.getBackend('logs') as RoutingBackend).processors[0]).toBeInstanceOf(PrefixedEventProcessor);
  });
});
