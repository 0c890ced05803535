import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { learnerOf, transformToXapi, XapiTransformError, type XapiStatement, type XapiTransformOptions } from '../../src/xapi';
import { statementsOf } from '../../src/xapi/transform';

// Open edX event-routing-backends' own fixture pairs (see fixtures/README.md), compared the
// way its test_transformers.py compares them: the whole statement, id included.
const fixtures = join(__dirname, 'fixtures');
const read = (folder: string, file: string): unknown => JSON.parse(readFileSync(join(fixtures, folder, file), 'utf8'));
const expectedFiles = new Set(readdirSync(join(fixtures, 'expected')));
const eventFiles = readdirSync(join(fixtures, 'current')).filter((file) => file.endsWith('.json'));
const pairs = eventFiles.filter((file) => expectedFiles.has(file));

// ERB's test settings: one learner id for every known user, one course name.
const ERB_TEST_SETTINGS: XapiTransformOptions = {
  lmsRootUrl: 'http://localhost:18000',
  actorId: (event) => (learnerOf(event) === undefined ? undefined : '32e08e30-f8ae-4ce2-94a8-c2bfe38a70cb'),
  courseName: () => 'Demonstration Course',
  transformerVersion: 'event-routing-backends@1.1.1',
};

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const withoutObjectId = (statements: XapiStatement | XapiStatement[]): boolean =>
  [statements].flat().some((statement) => statement.object.id === undefined);

describe("event-routing-backends' xAPI fixtures", () => {
  it('has the 77 pairs ERB has', () => {
    expect(pairs).toHaveLength(77);
  });

  describe.each(pairs)('%s', (file) => {
    const event = read('current', file);
    const expected = read('expected', file);

    if (file.includes('anonymous')) {
      it('fails for want of a learner, as ERB raises ValueError', () => {
        expect(() => transformToXapi(event, ERB_TEST_SETTINGS)).toThrow(XapiTransformError);
        try {
          transformToXapi(event, ERB_TEST_SETTINGS);
        } catch (error) {
          expect((error as XapiTransformError).reason).toBe('no-actor');
        }
      });
      return;
    }

    it('gives the expected statement(s), whole, ids included', () => {
      const actual = statementsOf(event, ERB_TEST_SETTINGS);
      expect(actual).not.toBeNull();
      expect(asJson(actual)).toEqual(expected);
      if (Array.isArray(actual)) expect(new Set(actual.map((statement) => statement.id)).size).toBe(actual.length);
    });

    it('is what transformToXapi returns, or null where ERB sends nothing (a statement without object id)', () => {
      const statements = statementsOf(event, ERB_TEST_SETTINGS) as XapiStatement | XapiStatement[];
      expect(transformToXapi(event, ERB_TEST_SETTINGS)).toEqual(withoutObjectId(statements) ? null : statements);
    });
  });

  it.each(eventFiles.filter((file) => !expectedFiles.has(file)))('%s (no expected file): a statement or an XapiTransformError, nothing else', (file) => {
    let outcome: unknown;
    try {
      outcome = transformToXapi(read('current', file), ERB_TEST_SETTINGS);
    } catch (error) {
      outcome = error;
    }
    expect(outcome === null || outcome instanceof XapiTransformError || typeof (outcome as XapiStatement).id === 'string').toBe(true);
  });
});
