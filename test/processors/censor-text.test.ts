// censorText: the sensitive values in texts — JSON (whole, cut, Python's, literals), form
// pairs, URLs — replaced in place, everything else kept byte for byte.
import fc from 'fast-check';
import { encodeJson } from '../../src/encoding/json';
import { censorText } from '../../src/processors/censor-text';
import { SENSITIVE_KEYS, SensitiveNames } from '../../src/processors/sensitive-names';
import { PasswordCensorProcessor } from '../../src/processors/censor-passwords';
import { pageEventData, queryToLists, censor as censorPageLists } from '../../src/request/page-event';

const names = new SensitiveNames(SENSITIVE_KEYS);
const censor = (text: string): string => censorText(text, (name) => names.has(name));

describe('censorText on JSON and literals', () => {
  it.each([
    ['{"password":"x","n":1}', '{"password":"********","n":1}'],
    ['{"GET": {"token": ["abc", "d"], "q": ["1"]}, "POST": {}}', '{"GET": {"token": "********", "q": ["1"]}, "POST": {}}'],
    ['[{"Key": {"a": [1, {"b": "}"}]}, "after": 1}]', '[{"Key": "********", "after": 1}]'],
    ['{"password": NaN, "apiKey": -Infinity, "x": [1,2], "secret": null}', '{"password": "********", "apiKey": "********", "x": [1,2], "secret": "********"}'],
    ["{'password': 'x', 'n': True}", "{'password': '********', 'n': True}"],
    ["{password: 'x', api_key: 12345, n: true}", "{password: '********', api_key: \"********\", n: true}"],
    ['  {"pwd" : "x"}', '  {"pwd" : "********"}'],
  ])('censors %s', (text, expected) => {
    expect(censor(text)).toBe(expected);
  });

  it('reads names spelt with escapes', () => {
    expect(censor('{"p\\u0061ssword": "p", "user[new\\u005fp\\u0061ssword]": "q"}')).toBe('{"p\\u0061ssword": "********", "user[new\\u005fp\\u0061ssword]": "********"}');
  });

  it('censors a text cut short inside a sensitive value, and keeps one cut inside a name (whose value is gone)', () => {
    expect(censor('{"GET": {"token": ["abcdef')).toBe('{"GET": {"token": "********"');
    expect(censor('{"GET": {"token": "abc\\u00')).toBe('{"GET": {"token": "********"');
    expect(censor('{"GET": {"q": ["1"]}, "POST": {"tok')).toBe('{"GET": {"q": ["1"]}, "POST": {"tok');
    expect(censor('{"GET": {"token": ')).toBe('{"GET": {"token": ');
  });

  it('searches string values that hold a query or JSON, and writes them back escaped as they were', () => {
    expect(censor('{"next": "/x?token=abc", "payload": "{\\"password\\": \\"x\\"}"}')).toBe('{"next": "/x?token=********", "payload": "{\\"password\\": \\"********\\"}"}');
    // ASCII-only (Python's json.dumps) stays ASCII-only; raw UTF-8 stays raw.
    expect(censor('{"a": "\\u00e9 x=1&key=v"}')).toBe('{"a": "\\u00e9 x=1&key=********"}');
    expect(censor('{"a": "é x=1&key=v"}')).toBe('{"a": "é x=1&key=********"}');
    // A string value cut short is read up to the cut.
    expect(censor('{"GET": {"next": ["/x?a=1&token=abcd')).toBe('{"GET": {"next": ["/x?a=1&token=********"');
  });

  it('returns the very same string when nothing is sensitive', () => {
    for (const text of ['{"GET": {}, "POST": {}}', '{"password": "********"}', '{"a": "x=1", "b": ["{\\"c\\": 1}"]}', 'my password is hunter2', '']) {
      expect(censor(text)).toBe(text);
    }
  });

  it('censors whole a text nested deeper than 8 texts (a JSON string in a JSON string...)', () => {
    let text = 'password=x';
    for (let i = 0; i < 10; i++) text = JSON.stringify({ a: text });
    expect(JSON.parse(censor(text))).toEqual(expect.anything());
    expect(censor(text)).not.toContain('password=x');
    let shallow = 'password=x';
    for (let i = 0; i < 3; i++) shallow = JSON.stringify({ a: shallow });
    expect(censor(shallow)).toContain('password=********');
  });
});

describe('censorText on form pairs, queries and URLs', () => {
  it.each([
    ['a=1&password=x', 'a=1&password=********'],
    ['https://x/y?a=1&Token=abc#access_token=def&x=1', 'https://x/y?a=1&Token=********#access_token=********&x=1'],
    ['a=1; sessionid=abc; b=2', 'a=1; sessionid=********; b=2'],
    ['pass%77ord=x&user%5BPassword%5D=y&api+key=z&bad%zz=1', 'pass%77ord=********&user%5BPassword%5D=********&api+key=********&bad%zz=1'],
    ['event={"password":"x"}&b=%7B%22token%22%3A%22y%22%7D', 'event={"password":"********"}&b=%7B%22token%22%3A%22********%22%7D'],
    ['key=&token', 'key=&token'],
  ])('censors %s', (text, expected) => {
    expect(censor(text)).toBe(expected);
  });
});

// Differential: on JSON that parses, censoring the text gives what censoring the parsed
// value gives (PasswordCensorProcessor's walk of objects), in both encodings.
describe('censorText agrees with the walk of the parsed value', () => {
  const name = fc.oneof(
    fc.constantFrom(...SENSITIVE_KEYS, 'Password', 'apiKey', 'user[token]', 'course_key', 'n', 'GET', 'POST'),
    fc.string({ maxLength: 6 }),
  );
  const json = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(name, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it.each(['compact', 'python'] as const)('in %s JSON', (style) => {
    const processor = new PasswordCensorProcessor();
    fc.assert(
      fc.property(fc.dictionary(name, json, { maxKeys: 5 }), (value) => {
        const text = encodeJson(value, style);
        const walked = processor.process({ data: JSON.parse(text) as unknown }).data;
        expect(JSON.parse(censor(text))).toEqual(walked);
      }),
      { seed: 2020, numRuns: 2000 },
    );
  });
});

// The page event's data, cut at 512 characters: whatever the cut, no part of a secret is left.
describe("censorText on the page event's data", () => {
  it('leaves no character of a sensitive value, wherever the 512-character cut falls', () => {
    // Secrets are written in letters that appear nowhere else in the data.
    const secret = fc.stringMatching(/^[QJXZ]{1,80}$/);
    const field = fc.oneof(
      fc.tuple(fc.constantFrom('Token', 'api_key', 'key', 'pwd', 'Password', 'user[secret]'), secret),
      fc.tuple(fc.constantFrom('note', 'q', 'course_key'), fc.stringMatching(/^[a-f]{0,80}$/)),
      fc.tuple(fc.constantFrom('next', 'return_to'), secret.map((value) => `/x?a=1&token=${value}`)),
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 12 }), (fields) => {
        const query = fields.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
        const data = pageEventData(censorPageLists(queryToLists(query)), {});
        expect(censor(data)).not.toMatch(/[QJXZ]/);
      }),
      { seed: 512, numRuns: 2000 },
    );
  });
});

describe('censorText on any text', () => {
  it('never throws, and censoring twice gives what censoring once gives', () => {
    // Texts made of the characters the scanner reacts to, and names it censors.
    const piece = fc.constantFrom('{', '}', '[', ']', '"', "'", ':', '=', '&', ';', '?', '#', '\\', ' ', ',', '%7B', '%', '%22', '+', 'password', 'key', 'a', 'x', '\\u00', '\\"', '\ud800', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        const once = censor(text);
        expect(censor(once)).toBe(once);
      }),
      { seed: 88, numRuns: 5000 },
    );
  });
});
