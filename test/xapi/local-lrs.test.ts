// The local LRS answers as Ralph does for what the backend uses: checked over real HTTP with fetch.
import { startLocalLrs, type LocalLrs } from '../../src/xapi';

let lrs: LocalLrs;
afterEach(async () => lrs?.close());

const ID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const statement = (id = ID, extra: object = {}) => ({ id, actor: { mbox: 'mailto:a@example.com' }, verb: { id: 'http://adlnet.gov/expapi/verbs/registered' }, object: { id: 'https://lms/course/x' }, ...extra });
const headers = { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' };

async function call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
  const response = await fetch(`${lrs.url}${path}`, { method, headers: { ...headers, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, retryAfter: response.headers.get('retry-after') };
}

describe('the local LRS', () => {
  it('stores a POSTed batch (200 with the ids), leaves out held ids with the same content (204 when none is new), and refuses other content (409, nothing stored)', async () => {
    lrs = await startLocalLrs();
    const other = '2b4e28ba-2fa1-11d2-883f-0016d3cca427';
    expect(await call('POST', '/statements', [statement()])).toMatchObject({ status: 200, body: [ID] });
    expect(await call('POST', '/statements', [statement(), statement(other)])).toMatchObject({ status: 200, body: [other] });
    expect(await call('POST', '/statements', [statement(), statement(other)])).toMatchObject({ status: 204 });
    const third = '3b4e28ba-2fa1-11d2-883f-0016d3cca427';
    expect(await call('POST', '/statements', [statement(third), statement(ID, { result: { success: true } })])).toEqual({
      status: 409,
      body: { detail: `Differing statements already exist with the same ID: ${ID}` },
      retryAfter: null,
    });
    expect([...lrs.statements.keys()]).toEqual([ID, other]);
    expect(lrs.counts.stored).toBe(2);
  });

  it('takes PUT ?statementId=, and gives one statement or all with GET', async () => {
    lrs = await startLocalLrs();
    expect((await call('PUT', `/statements?statementId=${ID}`, { ...statement(), id: undefined })).status).toBe(204);
    expect((await call('PUT', `/statements?statementId=${ID}`, statement(ID, { result: {} }))).status).toBe(409);
    expect(await call('GET', `/statements?statementId=${ID}`)).toMatchObject({ status: 200, body: statement() });
    expect(await call('GET', '/statements')).toMatchObject({ status: 200, body: { statements: [statement()], more: '' } });
    expect((await call('GET', '/statements?statementId=00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('refuses what an LRS refuses: a statement without actor, verb or object, a missing version header, duplicate ids, wrong auth', async () => {
    lrs = await startLocalLrs({ token: 'abc' });
    const auth = { Authorization: 'Bearer abc' };
    expect(await call('POST', '/statements', [{ id: ID, verb: {} }], auth)).toMatchObject({ status: 400, body: { detail: `statement ${ID} lacks actor, object` } });
    expect(await call('POST', '/statements', [statement(), statement()], auth)).toMatchObject({ status: 400 });
    expect((await call('POST', '/statements', [statement()], { Authorization: 'Bearer nope' })).status).toBe(401);
    const response = await fetch(`${lrs.url}/statements`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: '[]' });
    expect(response.status).toBe(400);
    expect(lrs.statements.size).toBe(0);
  });

  it('plays its faults: 500s, 429 with Retry-After, a 400 for one statement id, and POSTs stored but never answered', async () => {
    lrs = await startLocalLrs({ faults: { throttles: 1, retryAfterSeconds: 3 } });
    expect(await call('POST', '/statements', [statement()])).toMatchObject({ status: 429, retryAfter: '3' });
    lrs.faults = { serverErrors: 1 };
    expect((await call('POST', '/statements', [statement()])).status).toBe(500);
    lrs.faults = { rejectIds: [ID] };
    expect(await call('POST', '/statements', [statement()])).toMatchObject({ status: 400, body: { detail: `statement ${ID} is invalid (a fault of the local LRS)` } });
    expect(lrs.statements.size).toBe(0);
    lrs.faults = { timeouts: 1 };
    await expect(fetch(`${lrs.url}/statements`, { method: 'POST', headers, body: JSON.stringify([statement()]), signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(lrs.statements.size).toBe(1);
    expect(lrs.counts.unanswered).toBe(1);
  });
});
