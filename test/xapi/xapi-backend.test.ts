import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, edxDefaults, type FailureInfo } from '../../src';
import { startLocalLrs, transformToXapi, XapiBackend, type LocalLrs, type XapiStatement } from '../../src/xapi';
import { enrollment, LMS, mixedEvents } from './events';

const userId = (event: unknown) => String((event as { context: { user_id: number } }).context.user_id);
const idOf = (event: object): string => (transformToXapi(event, { lmsRootUrl: LMS, actorId: userId }) as XapiStatement).id;
const tmp = () => mkdtempSync(join(tmpdir(), 'xapi-backend-'));

let lrs: LocalLrs;
afterEach(async () => lrs?.close());

function collectErrors(): { errors: string[]; onError: (error: Error, info: FailureInfo) => void } {
  const errors: string[] = [];
  return { errors, onError: (error, info) => errors.push(`${info.stage}: ${error.message}`) };
}

describe('XapiBackend against the local LRS', () => {
  it('stores every supported event of 10,000 exactly once across 500s, timeouts and 429s, and isolates the one statement the LRS rejects', async () => {
    const { events, supported } = mixedEvents(10000);
    const rejectedId = idOf(events[500] as object);
    lrs = await startLocalLrs({ faults: { serverErrors: 0.1, timeouts: 0.05, throttles: 0.05, retryAfterSeconds: 1, rejectIds: [rejectedId], seed: 7 } });
    const deadLetterFile = join(tmp(), 'dead.jsonl');
    const { errors, onError } = collectErrors();
    const direct = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, deadLetterFile, batchDelay: 20, requestTimeout: 500, retryDelay: 20, maxRetryDelay: 200, onError });
    for (const event of events) direct.send(event);
    await direct.flush();
    await direct.close();

    const expected = events.filter((_, i) => i % 10 !== 9).map((event) => idOf(event)).filter((id) => id !== rejectedId);
    expect(new Set(expected).size).toBe(supported - 1);
    expect([...lrs.statements.keys()].sort()).toEqual([...expected].sort());
    expect(lrs.counts.stored).toBe(supported - 1); // none written twice, though timed-out POSTs were stored and retried
    expect(direct.unsupported).toBe(1000);
    expect(direct.accepted).toBe(supported);
    expect(direct.stored + direct.alreadyStored).toBe(supported - 1);
    expect(direct.rejected).toBe(1);
    expect([direct.dropped, direct.undelivered, direct.buffered]).toEqual([0, 0, 0]);
    expect(direct.retries).toBeGreaterThan(0);
    for (const status of [500, 429, 400, 200]) expect(lrs.counts.statuses[status]).toBeGreaterThan(0);
    expect(lrs.counts.unanswered).toBeGreaterThan(0);
    const letters = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(letters.filter((letter) => letter.statement.id === rejectedId)).toHaveLength(letters.length);
    expect(letters.at(-1)).toMatchObject({ reason: 'rejected', statement: { id: rejectedId } });
    expect(errors.some((line) => line.includes(`statement ${rejectedId} rejected by the LRS`))).toBe(true);
  }, 120000);

  it('sends full batches at once, and the rest as soon as they have returned, without waiting for batchDelay', async () => {
    lrs = await startLocalLrs();
    const backend = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, batchSize: 10, batchDelay: 60000 });
    for (let i = 0; i < 25; i++) backend.send(enrollment(i, i));
    await waitFor(() => lrs.statements.size === 25);
    expect(lrs.counts.posts).toBe(3);
    await backend.close();
  });

  it('sends a partial batch of an idle spell batchDelay ms after its first statement', async () => {
    lrs = await startLocalLrs();
    const backend = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, batchSize: 10, batchDelay: 300 });
    const start = Date.now();
    for (let i = 0; i < 3; i++) backend.send(enrollment(i, i));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lrs.counts.posts).toBe(0);
    await waitFor(() => lrs.statements.size === 3);
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    expect(lrs.counts.posts).toBe(1);
    await backend.close();
  });

  it('waits as long as Retry-After asks before posting again', async () => {
    lrs = await startLocalLrs({ faults: { throttles: 1, retryAfterSeconds: 1 } });
    const posts: number[] = [];
    const backend = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, batchDelay: 0, retryDelay: 10, onError: () => posts.push(Date.now()) });
    backend.send(enrollment(1, 1));
    await waitFor(() => posts.length === 1);
    lrs.faults = {};
    await backend.flush();
    expect(Date.now() - (posts[0] as number)).toBeGreaterThanOrEqual(950);
    expect(lrs.statements.size).toBe(1);
    await backend.close();
  });

  it('counts a 409 as stored and still stores the rest of that batch', async () => {
    lrs = await startLocalLrs();
    const held = enrollment(2, 2);
    lrs.statements.set(idOf(held), { id: idOf(held), actor: {}, verb: {}, object: {}, note: 'other content' });
    const backend = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, batchDelay: 0 });
    for (let i = 0; i < 5; i++) backend.send(enrollment(i, i));
    await backend.flush();
    expect([backend.stored, backend.alreadyStored, backend.rejected]).toEqual([4, 1, 0]);
    expect(lrs.counts.statuses[409]).toBeGreaterThan(0);
    expect(lrs.statements.size).toBe(5);
    await backend.close();
  });

  it('sends Basic and Bearer auth, and reports a refused one with what to check', async () => {
    lrs = await startLocalLrs({ username: 'lms', password: 's3cret' });
    const basic = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, username: 'lms', password: 's3cret', batchDelay: 0 });
    basic.send(enrollment(1, 1));
    await basic.close();
    expect(lrs.statements.size).toBe(1);
    await lrs.close();

    lrs = await startLocalLrs({ token: 'tok' });
    const { errors, onError } = collectErrors();
    const wrong = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, token: 'nope', batchDelay: 0, closeTimeout: 200, retryDelay: 20, onError });
    wrong.send(enrollment(1, 1));
    await wrong.close();
    expect(errors[0]).toMatch(/401 Unauthorized \(check username\/password or token\)/);
    expect(wrong.undelivered).toBe(1);
    const bearer = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, token: 'tok', batchDelay: 0 });
    bearer.send(enrollment(1, 1));
    await bearer.close();
    expect(lrs.statements.size).toBe(1);
  });

  it('holds at most maxBuffer statements while the LRS is down, counts and reports the drops, and dead-letters what close() could not deliver', async () => {
    lrs = await startLocalLrs();
    const url = lrs.url;
    await lrs.close();
    const deadLetterFile = join(tmp(), 'dead.jsonl');
    const { errors, onError } = collectErrors();
    const backend = new XapiBackend({ url, lmsRootUrl: LMS, maxBuffer: 50, batchDelay: 0, retryDelay: 20, closeTimeout: 100, deadLetterFile, onError });
    for (let i = 0; i < 80; i++) backend.send(enrollment(i, i));
    expect([backend.buffered, backend.dropped]).toEqual([50, 30]);
    await backend.close();
    expect(backend.undelivered).toBe(50);
    expect(errors.some((line) => line.startsWith('drop: statement dropped: 50 statements'))).toBe(true);
    expect(errors.some((line) => line.startsWith('close: 50 statements were not delivered'))).toBe(true);
    const letters = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(letters.map((letter) => letter.statement.id)).toEqual(Array.from({ length: 50 }, (_, i) => idOf(enrollment(i, i))));
    expect(letters[0].reason).toBe('undelivered');
    backend.send(enrollment(99, 99));
    expect(backend.dropped).toBe(31);
  });

  it('sends each LRS the events its match rules select', async () => {
    lrs = await startLocalLrs();
    const other = await startLocalLrs();
    const activations = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, match: ['edx.course.enrollment.activated'], batchDelay: 0 });
    const leaving = new XapiBackend({ url: other.url, lmsRootUrl: LMS, match: ['edx.course.*.deactivated'], batchDelay: 0 });
    for (let i = 0; i < 6; i++) for (const backend of [activations, leaving]) backend.send(enrollment(i, i, i % 2 === 0));
    await Promise.all([activations.close(), leaving.close()]);
    const verbs = (store: LocalLrs) => [...store.statements.values()].map((statement) => (statement.verb as { id: string }).id.split('/').pop());
    expect(verbs(lrs)).toEqual(['registered', 'registered', 'registered']);
    expect(verbs(other)).toEqual(['unregistered', 'unregistered', 'unregistered']);
    expect([activations.unmatched, leaving.unmatched]).toEqual([3, 3]);
    await other.close();
  });

  it('counts and reports a supported event without an actor id, and never throws into emit', async () => {
    lrs = await startLocalLrs();
    const { errors, onError } = collectErrors();
    const backend = new XapiBackend({ url: lrs.url, lmsRootUrl: LMS, batchDelay: 0, onError });
    const anonymous = enrollment(1, 1);
    anonymous.context = {};
    backend.send(anonymous);
    await backend.close();
    expect(backend.untransformable).toBe(1);
    expect(errors[0]).toMatch(/^backend: event not sent, it cannot be turned into a statement/);
    expect(lrs.statements.size).toBe(0);
  });
});

describe('XapiBackend configuration', () => {
  it('is the engine XapiBackend of createTracker, and the xapi branch of edxDefaults', async () => {
    lrs = await startLocalLrs({ username: 'lms', password: 'pw' });
    const dir = tmp();
    const xapi = { url: lrs.url, lms_root_url: LMS, username: 'lms', password: 'pw', batch_delay: 0 };
    // As the LMS emits an enrollment: in the request's context, with the course's context (course_id, org_id) on top.
    const enroll = (tracker: ReturnType<typeof createTracker>, user: number, name: string) =>
      tracker.context('edx.request', { user_id: user, path: '/enroll' }, () =>
        tracker.context(name, { course_id: 'course-v1:a+b+c', org_id: 'a' }, () => tracker.emit(name, { course_id: 'course-v1:a+b+c', user_id: user, mode: 'audit' })),
      );
    const fromEngine = createTracker({ backends: { lrs: { engine: 'XapiBackend', options: xapi } } });
    enroll(fromEngine, 7, 'edx.course.enrollment.activated');
    await fromEngine.close();
    const lms = createTracker(edxDefaults({ trackingLog: join(dir, 'tracking.log'), xapi }));
    enroll(lms, 8, 'edx.course.enrollment.deactivated');
    await lms.close();
    expect(existsSync(join(dir, 'tracking.log'))).toBe(true);
    const actors = [...lrs.statements.values()].map((statement) => (statement.actor as { account: { name: string } }).account.name);
    expect(actors).toEqual(['7', '8']);
  });

  it('refuses a misspelled or missing option with the fix', () => {
    expect(() => createTracker({ backends: { lrs: { engine: 'XapiBackend', options: { url: 'http://lrs/xAPI', lmsRootUrl: LMS, batch_szie: 5 } } } })).toThrow(
      /unknown option 'batch_szie'; did you mean 'batchSize'\?/,
    );
    expect(() => new XapiBackend({ lmsRootUrl: LMS } as never)).toThrow("XapiBackend: option 'url' is required");
    expect(() => new XapiBackend({ url: 'lrs.example.com', lmsRootUrl: LMS })).toThrow(/option 'url' must be a URL such as/);
    expect(() => new XapiBackend({ url: 'http://lrs/xAPI', lmsRootUrl: LMS, token: 't', username: 'u' })).toThrow(/not both/);
    expect(() => edxDefaults({ xapi: { url: 'http://lrs/xAPI', matches: ['x'] } as never })).toThrow(/did you mean 'xapi.match'\?/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
