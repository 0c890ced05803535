// The options of the HTTP adapters' factories, on Express, Koa, Fastify and Hono: an unknown option
// is refused with the nearest valid one, a value of the wrong type with the option,
// the expected type and the value — when the factory is called, before any request.
import { OptionsError, Tracker } from '../../src';
import * as expressAdapter from '../../src/express';
import * as fastifyAdapter from '../../src/fastify';
import * as honoAdapter from '../../src/hono';
import * as koaAdapter from '../../src/koa';
import { SECRET_KEY } from '../http/helpers';

/** The message of the OptionsError `build` throws. */
function refusal(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return (error as Error).message;
  }
  throw new Error('expected an OptionsError');
}

// The framework's name trustProxy takes (Hono computes no address of its own: none).
const ADAPTERS = [
  ['Express', expressAdapter, 'express'],
  ['Koa', koaAdapter, 'koa'],
  ['Fastify', fastifyAdapter, 'fastify'],
  ['Hono', honoAdapter, undefined],
] as const;

describe.each(ADAPTERS)('the %s adapter', (_name, adapter, framework) => {
  describe('trackMiddleware', () => {
    const build = (options: unknown) => () => adapter.trackMiddleware({ secretKey: SECRET_KEY, ...(options as object) });

    it.each([
      ['ignoreUrlPattern', { ignoreUrlPattern: ['^/health'] }, "trackMiddleware: unknown option 'ignoreUrlPattern'; did you mean 'ignoreUrlPatterns'?"],
      ['extraIgnoreUrlPattern', { extraIgnoreUrlPattern: ['^/health'] }, "trackMiddleware: unknown option 'extraIgnoreUrlPattern'; did you mean 'extraIgnoreUrlPatterns'?"],
      ['getuser', { getuser: () => null }, "trackMiddleware: unknown option 'getuser'; did you mean 'getUser'?"],
      ['secret_key', { secret_key: 's' }, "trackMiddleware: unknown option 'secret_key'; did you mean 'secretKey'?"],
      ['getSessionId', { getSessionId: () => 'k' }, "trackMiddleware: unknown option 'getSessionId'; did you mean 'getSessionKey'?"],
      ['trustProxies', { trustProxies: 1 }, "trackMiddleware: unknown option 'trustProxies'; did you mean 'trustProxy'?"],
      ['trust_proxy', { trust_proxy: 1 }, "trackMiddleware: unknown option 'trust_proxy'; did you mean 'trustProxy'?"],
    ])('refuses the misspelling %s', (_name, options, message) => {
      expect(refusal(build(options))).toBe(message);
    });

    it.each([
      [{ ignoreUrlPatterns: '^/health' }, `option 'ignoreUrlPatterns' must be an array of items that are each a string or a RegExp, got "^/health" (a string)`],
      [{ extraIgnoreUrlPatterns: ['^/a', 7] }, `option 'extraIgnoreUrlPatterns[1]' must be a string or a RegExp, got 7 (a number)`],
      [{ pageEvents: 'no' }, `option 'pageEvents' must be true or false, got "no" (a string)`],
      [{ contextName: '' }, `option 'contextName' must be a non-empty string, got "" (a string)`],
      [{ getUser: { id: 1 } }, `option 'getUser' must be a function, got {"id":1} (an object)`],
      [{ tracker: {} }, `option 'tracker' must be a Tracker, got {} (an object)`],
    ])('refuses the wrong type in %j', (options, message) => {
      expect(refusal(build(options))).toBe(`trackMiddleware: ${message}`);
    });

    it("refuses a trustProxy of the wrong type, listing the forms it takes with this framework's name", () => {
      const forms = "false, the number of proxies in front of the app (an integer of 0 or more), an array of the trusted proxies' addresses or CIDR ranges";
      const expected = framework === undefined ? forms : `${forms}, or '${framework}'`;
      const other = framework === 'express' ? 'koa' : 'express';
      expect(refusal(build({ trustProxy: other }))).toBe(`trackMiddleware: option 'trustProxy' must be ${expected}, got "${other}" (a string)`);
      expect(refusal(build({ trustProxy: '1' }))).toBe(`trackMiddleware: option 'trustProxy' must be ${expected}, got "1" (a string)`);
      expect(refusal(build({ trustProxy: true }))).toMatch(/^trackMiddleware: option 'trustProxy' must be .*, got true: trusting every proxy would let any client choose its ip/);
      expect(refusal(build({ trustProxy: ['10.0.0.0/8', '10.0.0.0/40'] }))).toMatch(/^trackMiddleware: option 'trustProxy\[1\]' must be an IP address, a CIDR range/);
    });

    it('refuses an ignore pattern that is not a valid regular expression, naming it', () => {
      expect(refusal(build({ ignoreUrlPatterns: ['^/ok', '^/(unclosed'] }))).toMatch(
        /^trackMiddleware: option 'ignoreUrlPatterns\[1\]' is not a valid regular expression: Invalid regular expression: .*Unterminated group/,
      );
      expect(refusal(build({ extraIgnoreUrlPatterns: ['['] }))).toMatch(/^trackMiddleware: option 'extraIgnoreUrlPatterns\[0\]' is not a valid regular expression/);
    });

    it('takes every documented option', () => {
      const options = {
        tracker: new Tracker(),
        secretKey: SECRET_KEY,
        ignoreUrlPatterns: ['^/a', /^\/b/],
        extraIgnoreUrlPatterns: ['^/c'],
        pageEvents: false,
        contextName: 'my.request',
        getUser: () => null,
        getSessionKey: () => undefined,
      };
      expect(typeof adapter.trackMiddleware(options)).toBe('function');
      for (const trustProxy of [false, 0, 2, ['10.0.0.0/8', '::1', 'loopback'], ...(framework ? [framework] : [])] as const) {
        expect(typeof adapter.trackMiddleware({ secretKey: SECRET_KEY, trustProxy } as never)).toBe('function');
      }
    });
  });

  describe('userTrackHandler', () => {
    it.each([
      ['maxEventsize', { maxEventsize: 10 }, "userTrackHandler: unknown option 'maxEventsize'; did you mean 'maxEventSize'?"],
      ['lookupUserID', { lookupUserID: () => 1 }, "userTrackHandler: unknown option 'lookupUserID'; did you mean 'lookupUserId'?"],
      ['max_body_size', { max_body_size: 10 }, "userTrackHandler: unknown option 'max_body_size'; did you mean 'maxBodySize'?"],
      ['allowedOrigin', { allowedOrigin: ['https://a.example'] }, "userTrackHandler: unknown option 'allowedOrigin'; did you mean 'allowedOrigins'?"],
      ['refuseCrossOrign', { refuseCrossOrign: false }, "userTrackHandler: unknown option 'refuseCrossOrign'; did you mean 'refuseCrossOrigin'?"],
    ])('refuses the misspelling %s', (_name, options, message) => {
      expect(refusal(() => adapter.userTrackHandler(options as never))).toBe(message);
    });

    it('refuses allowedOrigins beside refuseCrossOrigin: false, where it would mean nothing', () => {
      expect(refusal(() => adapter.userTrackHandler({ refuseCrossOrigin: false, allowedOrigins: ['https://a.example'] }))).toBe(
        "userTrackHandler: option 'allowedOrigins' has no effect with refuseCrossOrigin: false (every origin is accepted); leave one of them out",
      );
    });

    it('takes every documented option', () => {
      const options = {
        tracker: new Tracker(),
        maxEventSize: 10,
        maxBodySize: 100,
        lookupUserId: () => 1,
        refuseCrossOrigin: true,
        allowedOrigins: ['https://apps.example.com', 'http://localhost:8080/', 'HTTPS://Studio.Example.com:443'],
        getUser: () => null,
      };
      expect(typeof adapter.userTrackHandler(options)).toBe('function');
      expect(typeof adapter.userTrackHandler({ refuseCrossOrigin: false })).toBe('function');
    });

    it.each<[object, string]>([
      [{ maxEventSize: '50k' }, `option 'maxEventSize' must be an integer of 1 or more, got "50k" (a string)`],
      [{ maxBodySize: 0 }, `option 'maxBodySize' must be an integer of 1 or more, got 0 (a number)`],
      [{ getUser: 'req.user' }, `option 'getUser' must be a function, got "req.user" (a string)`],
      [{ tracker: 'default' }, `option 'tracker' must be a Tracker, got "default" (a string)`],
      [{ refuseCrossOrigin: 'yes' }, `option 'refuseCrossOrigin' must be true or false, got "yes" (a string)`],
      [{ allowedOrigins: 'https://a.example' }, `option 'allowedOrigins' must be an array of items that are each an origin such as 'https://apps.example.com' (scheme, host and port; no path), got "https://a.example" (a string)`],
      ...['apps.example.com', 'https://apps.example.com/event', 'https://apps.example.com?x=1', 'https://user@apps.example.com', 'ftp://apps.example.com', '*', 'null'].map(
        (origin): [object, string] => [{ allowedOrigins: [origin] }, `option 'allowedOrigins[0]' must be an origin such as 'https://apps.example.com' (scheme, host and port; no path), got ${JSON.stringify(origin)} (a string)`],
      ),
    ])('refuses the wrong type in %j', (options, message) => {
      expect(refusal(() => adapter.userTrackHandler(options as never))).toBe(`userTrackHandler: ${message}`);
    });
  });

  describe('segmentioHandler', () => {
    it.each([
      ['secrets', { secrets: 'k' }, "segmentioHandler: unknown option 'secrets'; did you mean 'secret'?"],
      ['allowedType', { allowedType: ['track'] }, "segmentioHandler: unknown option 'allowedType'; did you mean 'allowedTypes'?"],
      ['source_map', { source_map: {} }, "segmentioHandler: unknown option 'source_map'; did you mean 'sourceMap'?"],
      ['lookupUsers', { lookupUsers: () => null }, "segmentioHandler: unknown option 'lookupUsers'; did you mean 'lookupUser'?"],
    ])('refuses the misspelling %s', (_name, options, message) => {
      expect(refusal(() => adapter.segmentioHandler(options as never))).toBe(message);
    });

    it.each([
      [{ secret: 42 }, `option 'secret' must be a string, got 42 (a number)`],
      [{ allowedTypes: 'track' }, `option 'allowedTypes' must be an array of items that are each a string, got "track" (a string)`],
      [{ sourceMap: { 'analytics-ios': 1 } }, `option 'sourceMap.analytics-ios' must be a string, got 1 (a number)`],
      [{ disallowedSubstringNames: [null] }, `option 'disallowedSubstringNames[0]' must be a string, got null`],
      [{ maxBodySize: -1 }, `option 'maxBodySize' must be an integer of 1 or more, got -1 (a number)`],
    ])('refuses the wrong type in %j', (options, message) => {
      expect(refusal(() => adapter.segmentioHandler(options as never))).toBe(`segmentioHandler: ${message}`);
    });
  });

  it('exports the LMS and CMS defaults of the ignore patterns, frozen', () => {
    expect(adapter.LMS_IGNORE_URL_PATTERNS).toEqual(['^/event', '^/login', '^/heartbeat', '^/segmentio/event', '^/performance']);
    expect(adapter.CMS_IGNORE_URL_PATTERNS).toEqual(['^/event', '^/login', '^/heartbeat']);
    expect(Object.isFrozen(adapter.LMS_IGNORE_URL_PATTERNS)).toBe(true);
  });
});

describe.each(ADAPTERS)('browserScriptHandler (%s)', (_name, adapter) => {
  it('refuses a misspelling', () => {
    expect(refusal(() => adapter.browserScriptHandler({ maxage: 60 } as never))).toBe(
      "browserScriptHandler: unknown option 'maxage'; did you mean 'maxAge'?",
    );
  });

  it.each([
    [{ maxAge: '1h' }, `option 'maxAge' must be a number of 0 or more, got "1h" (a string)`],
    [{ file: '' }, `option 'file' must be a non-empty string, got "" (a string)`],
  ])('refuses the wrong type in %j', (options, message) => {
    expect(refusal(() => adapter.browserScriptHandler(options as never))).toBe(`browserScriptHandler: ${message}`);
  });
});

describe('the Fastify plugins', () => {
  it("refuses a hook that is not a request hook, listing Fastify's", () => {
    expect(refusal(() => fastifyAdapter.trackMiddleware({ hook: 'onSend' } as never))).toBe(
      `trackMiddleware: option 'hook' must be one of "onRequest", "preParsing", "preValidation", "preHandler", got "onSend" (a string)`,
    );
  });

  it.each([
    ['userTrackHandler', () => fastifyAdapter.userTrackHandler({ path: '' })],
    ['segmentioHandler', () => fastifyAdapter.segmentioHandler({ path: '' })],
    ['browserScriptHandler', () => fastifyAdapter.browserScriptHandler({ path: '' })],
  ])('%s refuses an empty path', (name, build) => {
    expect(refusal(build)).toBe(`${name}: option 'path' must be a non-empty string, got "" (a string)`);
  });
});
