import { defineOptions, describeValue, nearestName, option, OptionsError } from '../../src/core/options';

const logger = defineOptions('LoggerBackend', {
  filename: option.string({ nonEmpty: true }),
  maxEventSize: option.nullable(option.number({ min: 0, integer: true })),
  jsonStyle: option.oneOf(['compact', 'python'] as const),
  onWrite: option.function<(line: string) => void>(),
  patterns: option.arrayOf(option.anyOf(option.string(), option.instance<RegExp>('a RegExp', (v) => v instanceof RegExp))),
  client: option.object({ writeKey: option.string(), flushAt: option.number({ min: 1, integer: true }) }),
  byName: option.recordOf(option.boolean()),
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected an OptionsError');
}

describe('defineOptions(...).check', () => {
  it('returns the options given, leaving out those that are undefined', () => {
    const onWrite = () => undefined;
    const checked = logger.check({ filename: 'a.log', maxEventSize: null, jsonStyle: 'python', onWrite, patterns: ['^/a', /b/], client: undefined });
    expect(checked).toEqual({ filename: 'a.log', maxEventSize: null, jsonStyle: 'python', onWrite, patterns: ['^/a', /b/] });
    expect(Object.keys(checked)).not.toContain('client');
  });

  it('takes undefined as no options', () => {
    expect(logger.check(undefined)).toEqual({});
  });

  it('refuses an unknown option, naming the nearest valid one', () => {
    expect(messageOf(() => logger.check({ fileName: 'a.log' }))).toBe("LoggerBackend: unknown option 'fileName'; did you mean 'filename'?");
    expect(messageOf(() => logger.check({ maxEventsize: 5 }))).toBe("LoggerBackend: unknown option 'maxEventsize'; did you mean 'maxEventSize'?");
    expect(messageOf(() => logger.check({ max_event_size: 5 }))).toBe("LoggerBackend: unknown option 'max_event_size'; did you mean 'maxEventSize'?");
    expect(messageOf(() => logger.check({ jsonstyel: 'python' }))).toBe("LoggerBackend: unknown option 'jsonstyel'; did you mean 'jsonStyle'?");
  });

  it('refuses an unknown option even when its value is undefined (an unset environment variable, say)', () => {
    expect(messageOf(() => logger.check({ fileName: undefined }))).toMatch(/unknown option 'fileName'/);
  });

  it('lists the valid options when no name is close', () => {
    expect(messageOf(() => logger.check({ colour: 'red' }))).toBe(
      "LoggerBackend: unknown option 'colour'; valid options: filename, maxEventSize, jsonStyle, onWrite, patterns, client, byName",
    );
  });

  it('says when a component takes no options', () => {
    expect(messageOf(() => defineOptions('LegacyFieldMappingProcessor', {}).check({ strict: true }))).toBe(
      "LoggerBackend: unknown option 'strict'; it takes no options".replace('LoggerBackend', 'LegacyFieldMappingProcessor'),
    );
  });

  it.each([
    [{ filename: '' }, `option 'filename' must be a non-empty string, got "" (a string)`],
    [{ filename: 7 }, `option 'filename' must be a non-empty string, got 7 (a number)`],
    [{ maxEventSize: '50k' }, `option 'maxEventSize' must be null or an integer of 0 or more, got "50k" (a string)`],
    [{ maxEventSize: -1 }, `option 'maxEventSize' must be null or an integer of 0 or more, got -1 (a number)`],
    [{ maxEventSize: Number.NaN }, `option 'maxEventSize' must be null or an integer of 0 or more, got NaN (a number)`],
    [{ jsonStyle: 'pretty' }, `option 'jsonStyle' must be one of "compact", "python", got "pretty" (a string)`],
    [{ onWrite: 'log' }, `option 'onWrite' must be a function, got "log" (a string)`],
    [{ patterns: '^/health' }, `option 'patterns' must be an array of items that are each a string or a RegExp, got "^/health" (a string)`],
    [{ patterns: ['^/a', 3] }, `option 'patterns[1]' must be a string or a RegExp, got 3 (a number)`],
    [{ client: 'key' }, `option 'client' must be an object, got "key" (a string)`],
    [{ client: { flushAt: 0 } }, `option 'client.flushAt' must be an integer of 1 or more, got 0 (a number)`],
    [{ byName: { a: 'yes' } }, `option 'byName.a' must be true or false, got "yes" (a string)`],
  ])('refuses %j with the option, the expected type and the value', (options, message) => {
    expect(messageOf(() => logger.check(options))).toBe(`LoggerBackend: ${message}`);
  });

  it('checks nested options by name too', () => {
    expect(messageOf(() => logger.check({ client: { write_key: 'k' } }))).toBe(
      "LoggerBackend: unknown option 'client.write_key'; did you mean 'client.writeKey'?",
    );
  });

  it('refuses options that are not an object', () => {
    expect(messageOf(() => logger.check('a.log'))).toBe('LoggerBackend: options must be an object, got "a.log" (a string)');
    expect(messageOf(() => logger.check([]))).toBe('LoggerBackend: options must be an object, got [] (an array)');
  });
});

describe('defineOptions(...).checkData', () => {
  it('accepts snake_case names at every level, and returns camelCase ones', () => {
    expect(logger.checkData({ max_event_size: 10, json_style: 'python', client: { write_key: 'k', flush_at: 2 } })).toEqual({
      maxEventSize: 10,
      jsonStyle: 'python',
      client: { writeKey: 'k', flushAt: 2 },
    });
  });

  it('leaves the keys of a record alone', () => {
    expect(logger.checkData({ by_name: { tracking_logs: true } })).toEqual({ byName: { tracking_logs: true } });
  });

  it('still refuses a name that is neither, with the path it was given under', () => {
    expect(messageOf(() => logger.checkData({ client: { write_keys: 'k' } }, 'segment'))).toBe(
      "LoggerBackend: unknown option 'segment.client.write_keys'; did you mean 'segment.client.writeKey'?",
    );
  });

  it('refuses an option given in both spellings', () => {
    expect(messageOf(() => logger.checkData({ maxEventSize: 5, max_event_size: 7 }))).toBe(
      "LoggerBackend: option 'maxEventSize' is given twice, in camelCase and in snake_case; keep one",
    );
    expect(messageOf(() => logger.renameData({ max_event_size: 7, maxEventSize: 5 }))).toMatch(/is given twice/);
  });

  it('renameData renames without checking values', () => {
    expect(logger.renameData({ max_event_size: { engine: 'X' } })).toEqual({ maxEventSize: { engine: 'X' } });
    expect(messageOf(() => logger.renameData({ max_event_sise: 1 }))).toMatch(/unknown option 'max_event_sise'; did you mean 'maxEventSize'/);
  });
});

describe('extend', () => {
  it('makes a schema with more options under another component name', () => {
    const more = logger.extend('edxDefaults.trackingLog', { level: option.string() });
    expect(more.names).toEqual([...logger.names, 'level']);
    expect(messageOf(() => more.check({ levle: 'info' }))).toBe("edxDefaults.trackingLog: unknown option 'levle'; did you mean 'level'?");
  });
});

describe('nearestName', () => {
  it.each([
    ['whiteList', 'whitelist'],
    ['write_key', 'writeKey'],
    ['backend', 'backends'],
    ['trackinglog', 'trackingLog'],
    ['ignoreUrlPattern', 'ignoreUrlPatterns'],
    ['procesors', 'processors'],
  ])('%s is taken for %s', (typo, meant) => {
    expect(nearestName(typo, ['writeKey', 'whitelist', 'backends', 'processors', 'trackingLog', 'ignoreUrlPatterns'])).toBe(meant);
  });

  it('suggests nothing for a name far from every valid one', () => {
    expect(nearestName('colour', ['filename', 'maxEventSize'])).toBeUndefined();
  });
});

describe('describeValue', () => {
  it('describes values briefly', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(new Map())).toBe('{} (a Map)');
    expect(describeValue('x'.repeat(100))).toMatch(/^"x{56}\.\.\. \(a string\)$/);
    expect(describeValue({ a: 'y'.repeat(100) })).toBe('an object');
  });
});
