// 1,000 concurrent requests with random delays over a real server and keep-alive
// connections: every event, and every handler's view of the context, belongs to
// its own request (EDX-BEHAVIOR §8, context scoping). On Express 5, Express 4, Koa 3 and Koa 2.
import { Agent } from 'node:http';
import { emit } from '../../src';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, parseBody, type Framework } from '../http/frameworks';
import { delay, listen, send } from '../http/helpers';
import { seededRandom } from '../support/seeded-random';

const REQUESTS = 1000;
const CONCURRENCY = 100;

/** Waits a random while, by one of several kinds of async hop. */
function randomHop(next: () => number): Promise<void> {
  const kind = Math.floor(next() * 4);
  if (kind === 0) return delay(Math.floor(next() * 15));
  if (kind === 1) return new Promise((resolve) => setImmediate(resolve));
  if (kind === 2) return new Promise((resolve) => process.nextTick(resolve));
  return Promise.resolve().then(() => undefined);
}

/** Runs `task(i)` for i in [0, count) with at most `limit` running at once. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < count) {
      const i = nextIndex++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe.each(FRAMEWORKS)('concurrent requests on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  it(`gives each of ${REQUESTS} concurrent requests only its own context`, async () => {
    const next = seededRandom(20131003);
    const app = fw.app({
      track: {
        getUser: (req) => {
          const id = Number(req.headers['x-user-id']);
          return { id, username: `user${id}` };
        },
        getSessionKey: (req) => `session-${String(req.headers['x-user-id'])}`,
      },
      after: [parseBody('json')],
      routes: [
        {
          method: 'ALL',
          path: /^\/courses\/[^/]+\/c\/r\/work\/(\d+)$/,
          handler: async (req) => {
            const i = Number(req.path.split('/').pop());
            await randomHop(next);
            emit('work.start', { i });
            await randomHop(next);
            await randomHop(next);
            emit('work.end', { i, body: (req.body as unknown) ?? null });
            return { json: capture.tracker.resolveContext() };
          },
        },
      ],
    });

    const { url, close } = await listen(app);
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    let responses: { status: number; text: string }[];
    try {
      responses = await pool(REQUESTS, CONCURRENCY, (i) => {
        const post = i % 2 === 1;
        return send(`${url}/courses/org${i}/c/r/work/${i}?n=${i}`, {
          method: post ? 'POST' : 'GET',
          headers: { 'x-user-id': String(i), ...(post ? { 'content-type': 'application/json' } : {}) },
          chunks: post ? [JSON.stringify({ i })] : [],
          agent,
        });
      });
    } finally {
      agent.destroy();
      await close();
    }

    const sessions = new Set<unknown>();
    responses.forEach((response, i) => {
      expect(response.status).toBe(200);
      const seen = JSON.parse(response.text) as Record<string, unknown>;
      expect([seen.user_id, seen.username, seen.path, seen.course_id]).toEqual([i, `user${i}`, `/courses/org${i}/c/r/work/${i}`, `org${i}/c/r`]);
      sessions.add(seen.session);
    });
    expect(sessions.size).toBe(REQUESTS);

    expect(capture.events).toHaveLength(3 * REQUESTS);
    const mismatches: string[] = [];
    const seenPerRequest = new Map<number, string[]>();
    for (const event of capture.events) {
      const context = event.context ?? {};
      const i = event.context?.event_source === 'server' ? Number(String(event.name).split('/').pop()) : (event.data as { i: number }).i;
      const expected = { user_id: i, username: `user${i}`, path: `/courses/org${i}/c/r/work/${i}`, course_id: `org${i}/c/r`, org_id: `org${i}` };
      const actual = { user_id: context.user_id, username: context.username, path: context.path, course_id: context.course_id, org_id: context.org_id };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${String(event.name)}: ${JSON.stringify(actual)}`);
      seenPerRequest.set(i, [...(seenPerRequest.get(i) ?? []), String(event.name).startsWith('/') ? 'page' : String(event.name)]);
    }
    expect(mismatches).toEqual([]);
    expect(seenPerRequest.size).toBe(REQUESTS);
    for (const names of seenPerRequest.values()) expect(names).toEqual(['page', 'work.start', 'work.end']);
    const posted = capture.events.filter((event) => event.name === 'work.end' && (event.data as { i: number }).i % 2 === 1);
    for (const event of posted) expect((event.data as { body: unknown }).body).toEqual({ i: (event.data as { i: number }).i });
    expect(capture.tracker.resolveContext()).toEqual({});
  });
});
