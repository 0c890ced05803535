// Generators of malformed requests (fast-check) for the bad-input suite: wrong
// types, huge fields, deep nesting, invalid UTF-8, prototype-pollution keys,
// control characters, duplicate parameters, wrong or missing content types, random
// methods — aimed at /event, /segmentio/event?key=... and pages that the request
// middleware turns into page events.
import fc from 'fast-check';

/** A request as sent on the wire. */
export interface MalformedRequest {
  target: 'event' | 'segmentio' | 'page';
  method: string;
  /** Path and query; only bytes 0x21-0xff (node:http sends them as latin1 bytes, so 0x80-0xff arrive as invalid UTF-8). */
  path: string;
  headers: Record<string, string>;
  /** The body's bytes. */
  body?: Buffer;
}

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__proto__[polluted]', 'constructor[prototype][polluted]', '__proto__.polluted', 'hasOwnProperty', 'toString', 'valueOf'];
const EVENT_KEYS = ['event_type', 'event', 'page', 'courserun_key'];
const PASSWORD_LIKE = ['password', 'new_password', 'Password', 'user[password]', 'password[]'];

/** Strings that break things: control characters, lone surrogates, huge, any code point, JSON and HTML syntax. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\n', '\r', '\t', '\u2028', '\u2029', '\ufeff', '\ud800', '\udfff', '"', '\\', '%', '&', '=', '+', '#', '?', '[', ']', '{', '}'), maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS, ...EVENT_KEYS, ...PASSWORD_LIKE, '', ' ', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e400', '{"a":', '[[[', '<script>alert(1)</script>', 'course-v1:edX+DemoX+Demo_2014', 'http://127.0.0.1/courses/course-v1:a+b+c/courseware/', 'i4x://a/b/c/d') },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 70000 }).map((n) => 'x'.repeat(n)) },
);

export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...POLLUTION_KEYS, ...EVENT_KEYS, ...PASSWORD_LIKE) },
  { weight: 2, arbitrary: nastyString.filter((s) => s.length < 300) },
);

/** JSON-like values with nasty keys, a few levels deep. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(nastyKey, tie('value')), { maxLength: 5 }).map(objectWithKeys),
  ),
})).value;

/** An object holding `pairs` as own data properties (a '__proto__' key included, as JSON.parse makes it). */
function objectWithKeys(pairs: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** JSON text nested `depth` deep: arrays, objects or both. */
export const deepJson: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 100, max: 30000 }), fc.constantFrom('[', '{"a":', '{"__proto__":')).map(([depth, open]) => {
  const close = open === '[' ? ']' : '}';
  const size = Math.min(depth, Math.floor(60000 / open.length));
  return `${open.repeat(size)}1${close.repeat(size)}`;
});

/** How a string is put into a query or form: properly encoded, raw (invalid UTF-8 bytes on the wire), or with broken escapes. */
const encoding = fc.constantFrom('encode', 'encode', 'raw', 'broken');

/** encodeURIComponent that never throws (a lone surrogate goes as U+FFFD's bytes). */
function percentEncode(text: string): string {
  return encodeURIComponent((text as string & { toWellFormed(): string }).toWellFormed());
}

/** Keeps what node:http lets into a path or a header value (0x21-0xff), percent-encoding the rest. */
function latin1Safe(text: string): string {
  return text.replace(/[^\x21-\xff]/gu, (char) => percentEncode(char));
}

function encodePart(text: string, how: string): string {
  if (how === 'encode') return percentEncode(text);
  if (how === 'raw') {
    // UTF-8 bytes as latin1 characters, then a few lone high bytes: invalid UTF-8.
    return latin1Safe(Buffer.from(text, 'utf8').toString('latin1')) + '\u00ff\u00c3(';
  }
  return `${percentEncode(text)}%${['', 'z', 'C3%28', 'FF', 'E2%82', 'ud800', '%'][text.length % 7]}`;
}

/** key=value pairs, duplicates welcome, in one of the encodings. */
export const pairs: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.tuple(nastyKey, fc.oneof(nastyString, nastyValue.map((v) => JSON.stringify(v) ?? 'null'))), { maxLength: 8 }),
    fc.subarray(EVENT_KEYS.map((key) => [key, 'dup'] as [string, string])),
    encoding,
  )
  .map(([list, duplicates, how]) => [...list, ...duplicates, ...duplicates].map(([k, v]) => `${encodePart(k, how)}=${encodePart(v, how)}`).join('&'));

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1',
  'text/plain',
  'multipart/form-data; boundary=XyZ',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  'image/png',
  '*/*',
  ';;;',
  'application/json, text/plain',
];

/** A body: JSON (valid or not, deep, with duplicate or polluting keys), a form, multipart, or random bytes. */
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');

export const body: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: nastyValue.map((v) => utf8(JSON.stringify(v) ?? '')) },
  {
    weight: 4,
    arbitrary: fc
      .record({ event_type: fc.oneof(nastyString, nastyValue), event: fc.oneof(nastyString, nastyValue), page: fc.oneof(nastyString, nastyValue), courserun_key: nastyValue })
      .map((v) => utf8(JSON.stringify(v))),
  },
  { weight: 1, arbitrary: fc.tuple(nastyString, deepJson).map(([name, deep]) => utf8(`{"event_type":${JSON.stringify(name)},"event":${deep}}`)) },
  { weight: 1, arbitrary: fc.tuple(nastyString, deepJson).map(([name, deep]) => utf8(`{"event_type":${JSON.stringify(name)},"event":${JSON.stringify(deep)}}`)) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '{"__proto__":{"polluted":"yes"},"event_type":"p","event":"{\\"__proto__\\":{\\"polluted\\":1}}"}',
        '{"constructor":{"prototype":{"polluted":"yes"}},"event_type":"c"}',
        '{"event_type":"a","event_type":"b","event":"{}","event":{"x":1}}',
        '{"event_type":"x","event":"{\\"constructor\\":{\\"prototype\\":{\\"polluted\\":1}}}"}',
        '{"event_type":',
        '',
        'null',
        '[]',
        '"string"',
        '\ufeff{"event_type":"bom"}',
      )
      .map(utf8),
  },
  { weight: 4, arbitrary: pairs.map(bytes) },
  { weight: 1, arbitrary: fc.tuple(nastyKey, nastyString).map(([key, value]) => utf8(`--XyZ\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n--XyZ--\r\n`)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)) },
  { weight: 1, arbitrary: fc.integer({ min: 60000, max: 300000 }).map((n) => utf8(`{"event_type":"big","event":"${'y'.repeat(n)}"}`)) },
);

/** A Segment webhook message, mostly well-formed at the top so that the mapping runs, with nasty insides. */
export const segmentMessage: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .record({
      type: fc.oneof(fc.constantFrom('track', 'TRACK', 'screen', 'identify'), nastyValue),
      userId: fc.oneof(fc.constantFrom(42, '42', ' 42 ', 43, 0, -1, '1e3', 'abc', null), nastyValue),
      timestamp: fc.oneof(fc.constantFrom('2014-08-27T16:33:39.215Z', '2018-12-11T07:27:28.015900357Z', 'yesterday', '', '9999-99-99T99:99:99Z'), nastyValue),
      receivedAt: fc.oneof(fc.constantFrom('2014-08-27T16:33:41.100Z'), nastyValue),
      context: fc.oneof(
        fc.record({ library: fc.record({ name: fc.constantFrom('analytics-android', 'analytics-ios', 'other'), version: nastyString }), app: nastyValue, userAgent: nastyValue, traits: nastyValue }),
        nastyValue,
      ),
      properties: fc.oneof(
        fc.record({ name: fc.oneof(nastyString, nastyValue), data: nastyValue, context: fc.oneof(nastyValue, fc.constantFrom({ course_id: 'course-v1:a+b+c', ip: '1.2.3.4', app_name: 'edx.mobile' })), label: nastyValue, course_id: nastyValue }),
        nastyValue,
      ),
    })
    .map((message) => utf8(JSON.stringify(message))),
  fc.constantFrom(
    '{"__proto__":{"polluted":"yes"},"type":"track","userId":42,"context":{"library":{"name":"analytics-ios"}},"properties":{"name":"x","data":{"__proto__":{"polluted":1}},"context":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}},"timestamp":"2014-08-27T16:33:39.215Z","receivedAt":"2014-08-27T16:33:41.100Z"}',
    '{"type":"track","userId":42,"context":{"library":{"name":"analytics-android"}},"properties":{"name":"deep","data":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '},"timestamp":"2014-08-27T16:33:39.215Z","receivedAt":"2014-08-27T16:33:41.100Z"}',
  ).map(utf8),
  body,
);

/** A request to one of the targets. */
export function malformedRequest(segmentioSecret: string): fc.Arbitrary<MalformedRequest> {
  const method = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND') });
  const contentType = fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined });
  // Header values stay under Node's 16 KiB header limit (over it, Node answers 431 and cuts the connection).
  const headerValue = nastyString.map((text) => latin1Safe(text).slice(0, 2000));
  const extraHeaders = fc.record(
    {
      'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '10.0.0.1, 8.8.8.8', '::1', '999.1.1.1'),
      cookie: fc.constantFrom('demo_session=abc; demo_user=alice', 'demo_user=__proto__', '_ga=GA1.2.3.4; _ga=x', 'demo_session=' + 'z'.repeat(2000)),
      referer: headerValue,
      'accept-language': fc.constantFrom('fr-CH, fr;q=0.9', '*', ''),
      'user-agent': headerValue,
      'x-edx-ga-client-id': headerValue,
    },
    { requiredKeys: [] },
  );
  const query = fc.option(pairs, { nil: undefined });
  return fc
    .record({ target: fc.constantFrom<MalformedRequest['target']>('event', 'event', 'segmentio', 'segmentio', 'page'), method, contentType, extraHeaders, query, body: fc.option(fc.oneof(body, segmentMessage), { nil: undefined }), key: fc.constantFrom('good', 'good', 'good', 'wrong', 'none', 'twice'), pagePath: nastyString })
    .map(({ target, method: m, contentType: type, extraHeaders: extra, query: q, body: b, key, pagePath }) => {
      let path: string;
      if (target === 'event') path = `/event${q === undefined ? '' : `?${q}`}`;
      else if (target === 'segmentio') {
        const keyPart = { good: `key=${segmentioSecret}`, wrong: 'key=wrong', none: '', twice: `key=wrong&key=${segmentioSecret}` }[key];
        path = `/segmentio/event?${[keyPart, q].filter(Boolean).join('&')}`;
      } else {
        path = `/courses/${latin1Safe(pagePath).replace(/[?#]/g, '') || 'x'}/courseware/${q === undefined ? '' : `?${q}`}`;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(extra)) if (typeof value === 'string' && /^[\t\x20-\x7e\x80-\xff]*$/.test(value)) headers[name] = value;
      if (type !== undefined) headers['content-type'] = type;
      const hasBody = b !== undefined && m !== 'GET' && m !== 'HEAD';
      return { target, method: m, path: path.slice(0, 6000), headers, ...(hasBody ? { body: b } : {}) };
    });
}
