// 1. Context isolation under load: 10,000 requests, 200 at a time over keep-alive
// connections, through an app shaped like the demo (session and login stand-ins, a
// form parser before trackMiddleware, a JSON parser after it) whose handlers await
// timers, hop through setImmediate, stream a file, read parsed bodies, use a tiny
// connection pool, and throw. The pool is shared by a session middleware mounted
// before trackMiddleware and by handlers: when a handler releases a connection, the
// pool calls the next waiter back synchronously, so a queued request's middleware
// chain goes on inside another request's async context (the classic context loss).
// Every request carries its own id (path, query, cookies, user agent); every event
// and every context a handler sees must belong to its request alone. Express 5 and Koa 3.
import { AsyncResource } from 'node:async_hooks';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import Koa from 'koa';
import { Tracker, type Backend, type TrackedEvent } from '../../src';
import { trackMiddleware as expressTrack } from '../../src/express';
import { trackMiddleware as koaTrack } from '../../src/koa';
import { hashSessionKey } from '../../src/request/session';
import { koaBodyParser } from '../http/frameworks';
import { printFigures, recordFigures } from './support/figures';
import { delay, keepAliveAgent, runPool, send, type Reply } from './support/http';
import { seededRandom } from '../support/seeded-random';

const REQUESTS = 10000;
const CONCURRENCY = 200;
const SECRET = 'isolation-secret-key';
const KINDS = ['timer', 'immediate', 'stream', 'json', 'form', 'throw', 'reject', 'pool'] as const;
type Kind = (typeof KINDS)[number];
const STREAMED_BYTES = 64 * 1024;

/**
 * A tiny connection pool: `acquire(callback)` hands a free connection over on a later
 * turn, or queues the callback; `release` hands the connection straight to the next
 * queued callback, synchronously, in the releasing caller's async context — as many
 * pools and drivers do. `query` answers on the next turn of the event loop.
 */
class TinyPool {
  private free: number[];
  private readonly queue: Array<(connection: number) => void> = [];
  /** Callbacks that ran in another caller's context (queued, then released by someone else). */
  handedOver = 0;

  constructor(size: number) {
    this.free = Array.from({ length: size }, (_, i) => i);
  }

  acquire(callback: (connection: number) => void): void {
    const connection = this.free.pop();
    if (connection === undefined) this.queue.push(callback);
    else setImmediate(() => callback(connection));
  }

  query(connection: number, callback: () => void): void {
    void connection;
    setImmediate(callback);
  }

  release(connection: number): void {
    const next = this.queue.shift();
    if (next) {
      this.handedOver++;
      next(connection);
    } else {
      this.free.push(connection);
    }
  }
}

/** Checks every event as it arrives: does its context belong to the request it came from? */
class IsolationChecker implements Backend {
  events = 0;
  leaks = 0;
  orphans = 0;
  readonly samples: string[] = [];
  readonly perRequest = new Map<number, string[]>();
  private readonly sessions = new Map<number, string>();

  send(event: TrackedEvent): void {
    this.events++;
    const context = event.context ?? {};
    const match = /^\/r\/(\d+)\/(\w+)$/.exec(String(context.path ?? ''));
    if (!match) {
      this.orphans++;
      this.note(`event '${String(event.name)}' outside any request: ${JSON.stringify(context)}`);
      return;
    }
    const rid = Number(match[1]);
    const wrong: string[] = [];
    const expect = (field: string, actual: unknown, expected: unknown): void => {
      if (actual !== expected) wrong.push(`${field}=${JSON.stringify(actual)} (expected ${JSON.stringify(expected)})`);
    };
    expect('username', context.username, `u${rid}`);
    expect('user_id', context.user_id, 100000 + rid);
    expect('agent', context.agent, `agent-${rid}`);
    expect('session', context.session, this.sessionOf(rid));
    // Layers entered by the handlers, when present, must be this request's.
    if ('rid' in context) expect('context.rid', context.rid, rid);
    if ('inner_rid' in context) expect('context.inner_rid', context.inner_rid, rid);
    const data = event.data as Record<string, unknown> | string | undefined;
    if (typeof data === 'object' && data !== null && 'rid' in data) expect('data.rid', data.rid, rid);
    if (String(event.name).startsWith('/r/')) {
      // The page-request event: its name is its path, its data holds its query.
      expect('page event name', event.name, context.path);
      if (typeof data !== 'string' || !data.includes(`"rid": ["${rid}"]`)) wrong.push(`page event data ${JSON.stringify(data)}`);
    }
    if (wrong.length > 0) {
      this.leaks++;
      this.note(`request ${rid}, event '${String(event.name)}': ${wrong.join(', ')}`);
    }
    const names = this.perRequest.get(rid) ?? [];
    names.push(String(event.name).startsWith('/r/') ? 'page' : String(event.name));
    this.perRequest.set(rid, names);
  }

  private sessionOf(rid: number): string {
    let session = this.sessions.get(rid);
    if (session === undefined) {
      session = hashSessionKey(SECRET, `s${rid}`);
      this.sessions.set(rid, session);
    }
    return session;
  }

  private note(sample: string): void {
    if (this.samples.length < 10) this.samples.push(sample);
  }
}

/** The events each kind of handler emits, besides the page event ('chunk' repeats). */
const EXPECTED: Record<Kind, string[]> = {
  timer: ['app.timer.1', 'app.timer.2'],
  immediate: ['app.immediate.1', 'app.immediate.2', 'app.immediate.3'],
  stream: ['app.stream.start', 'app.stream.chunk', 'app.streamed'],
  json: ['app.json'],
  form: ['app.form'],
  throw: ['app.before-throw', 'app.error'],
  reject: ['app.before-reject', 'app.error'],
  pool: ['app.pool'],
};

interface Harness {
  tracker: Tracker;
  checker: IsolationChecker;
  pool: TinyPool;
  file: string;
  next: () => number;
}

function harness(): Harness {
  const checker = new IsolationChecker();
  const dir = mkdtempSync(join(tmpdir(), 'et-isolation-'));
  const file = join(dir, 'lesson.bin');
  writeFileSync(file, Buffer.alloc(STREAMED_BYTES, 'x'));
  return { tracker: new Tracker({ backends: { check: checker } }), checker, pool: new TinyPool(8), file, next: seededRandom(20240601) };
}

/** Demo-like cookies: `demo_session=<sid>; demo_user=<name>`. */
function cookie(header: string | undefined, name: string): string | undefined {
  return new RegExp(`(?:^|;\\s*)${name}=([\\w-]+)`).exec(header ?? '')?.[1];
}

const userOf = (name: string | undefined) => (name ? { id: 100000 + Number(name.slice(1)), username: name } : undefined);

/** Runs the work of one kind of handler that is the same on both frameworks; returns what to answer. */
async function work(h: Harness, kind: Kind, rid: number, body: unknown): Promise<unknown> {
  const { tracker, pool, next } = h;
  tracker.enterContext('app.request', { rid });
  switch (kind) {
    case 'timer':
      await delay(Math.floor(next() * 4));
      tracker.emit('app.timer.1', { rid });
      await tracker.context('app.inner', { inner_rid: rid }, async () => {
        await delay(Math.floor(next() * 4));
        tracker.emit('app.timer.2', { rid });
      });
      break;
    case 'immediate':
      for (let i = 1; i <= 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        tracker.emit(`app.immediate.${i}`, { rid });
      }
      break;
    case 'json':
      await delay(Math.floor(next() * 3));
      tracker.emit('app.json', { rid: (body as { rid?: unknown } | undefined)?.rid });
      break;
    case 'form':
      await new Promise((resolve) => setImmediate(resolve));
      tracker.emit('app.form', { rid: Number((body as { rid?: unknown } | undefined)?.rid) });
      break;
    case 'throw':
      tracker.emit('app.before-throw', { rid });
      throw new Error(`handler ${rid} failed`);
    case 'reject':
      await delay(Math.floor(next() * 3));
      tracker.emit('app.before-reject', { rid });
      throw new Error(`handler ${rid} rejected`);
    case 'pool':
      await new Promise<void>((resolve) => {
        // A well-behaved caller binds its callback to its own context.
        pool.acquire(
          AsyncResource.bind((connection: number) => {
            pool.query(
              connection,
              AsyncResource.bind(() => {
                tracker.emit('app.pool', { rid });
                pool.release(connection);
                resolve();
              }),
            );
          }),
        );
      });
      break;
    case 'stream':
      break;
  }
  return { rid, context: tracker.resolveContext() };
}

/** A file stream whose chunks emit events in the request's context. */
function streamFile(h: Harness, rid: number) {
  h.tracker.enterContext('app.request', { rid });
  h.tracker.emit('app.stream.start', { rid });
  const stream = createReadStream(h.file, { highWaterMark: 16 * 1024 });
  stream.on('data', () => h.tracker.emit('app.stream.chunk', { rid }));
  stream.on('end', () => h.tracker.emit('app.streamed', { rid }));
  return stream;
}

function kindOf(path: string): { rid: number; kind: Kind } {
  const [, rid, kind] = /^\/r\/(\d+)\/(\w+)/.exec(path) ?? [];
  return { rid: Number(rid), kind: kind as Kind };
}

function expressApp(h: Harness): RequestListener {
  const app = express();
  app.use((req, _res, next) => {
    (req as { sessionID?: string }).sessionID = cookie(req.headers.cookie, 'demo_session');
    (req as { user?: unknown }).user = userOf(cookie(req.headers.cookie, 'demo_user'));
    next();
  });
  // A session store lookup before trackMiddleware, on the shared pool, with a plain
  // callback: the request may go on in whichever request released the connection.
  app.use((_req, _res, next) => h.pool.acquire((connection) => h.pool.query(connection, () => {
    h.pool.release(connection);
    next();
  })));
  app.use(express.urlencoded({ extended: false }));
  app.use(expressTrack({ tracker: h.tracker, secretKey: SECRET }));
  app.use(express.json());
  app.all(/^\/r\/\d+\/\w+$/, (req, res, next) => {
    const { rid, kind } = kindOf(req.path);
    if (kind === 'stream') {
      res.type('application/octet-stream');
      streamFile(h, rid).pipe(res);
      return;
    }
    if (kind === 'throw') {
      h.tracker.enterContext('app.request', { rid });
      h.tracker.emit('app.before-throw', { rid });
      throw new Error(`handler ${rid} failed`);
    }
    work(h, kind, rid, req.body).then((answer) => res.json(answer), next);
  });
  app.use((error: Error, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const { rid } = kindOf(req.path);
    h.tracker.emit('app.error', { rid, message: error.message });
    res.status(500).json({ rid, context: h.tracker.resolveContext() });
  });
  return app;
}

function koaApp(h: Harness): RequestListener {
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    ctx.sessionId = cookie(ctx.get('cookie'), 'demo_session');
    ctx.state.user = userOf(cookie(ctx.get('cookie'), 'demo_user'));
    await next();
  });
  app.use(
    (_ctx, next) =>
      new Promise<void>((resolve, reject) => {
        h.pool.acquire((connection) =>
          h.pool.query(connection, () => {
            h.pool.release(connection);
            next().then(() => resolve(), reject);
          }),
        );
      }),
  );
  app.use(koaBodyParser('form'));
  app.use(koaTrack({ tracker: h.tracker, secretKey: SECRET }) as unknown as Koa.Middleware);
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { rid } = kindOf(ctx.path);
      h.tracker.emit('app.error', { rid, message: (error as Error).message });
      ctx.status = 500;
      ctx.body = { rid, context: h.tracker.resolveContext() };
    }
  });
  app.use(koaBodyParser('json'));
  app.use(async (ctx) => {
    const { rid, kind } = kindOf(ctx.path);
    if (Number.isNaN(rid)) return;
    if (kind === 'stream') {
      ctx.type = 'application/octet-stream';
      ctx.body = streamFile(h, rid);
      return;
    }
    ctx.body = await work(h, kind, rid, (ctx.request as { body?: unknown }).body);
  });
  return app.callback();
}

async function listen(listener: RequestListener): Promise<{ base: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function requestFor(rid: number) {
  const kind = KINDS[rid % KINDS.length]!;
  const headers: Record<string, string> = {
    cookie: `demo_session=s${rid}; demo_user=u${rid}`,
    'user-agent': `agent-${rid}`,
    'x-request-id': String(rid),
  };
  let body: string | undefined;
  if (kind === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ rid, nested: { list: [rid, rid] } });
  } else if (kind === 'form') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = `rid=${rid}&note=hello+${rid}`;
  }
  return { kind, outgoing: { method: body === undefined ? 'GET' : 'POST', path: `/r/${rid}/${kind}?rid=${rid}`, headers, body } };
}

afterAll(printFigures);

describe.each([
  ['Express 5', expressApp],
  ['Koa 3', koaApp],
])('context isolation under load on %s', (name, build) => {
  it(`gives each of ${REQUESTS} requests (${CONCURRENCY} at a time) only its own context: 0 leaks`, async () => {
    const h = harness();
    const { base, server } = await listen(build(h));
    const agent = keepAliveAgent(CONCURRENCY);
    const started = Date.now();
    let replies: Array<{ kind: Kind; reply: Reply }>;
    try {
      replies = await runPool(REQUESTS, CONCURRENCY, async (rid) => {
        const { kind, outgoing } = requestFor(rid);
        return { kind, reply: await send(base, outgoing, agent) };
      });
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const elapsedMs = Date.now() - started;
    const { checker } = h;

    // What each handler saw of its own context (the JSON answers).
    const badAnswers: string[] = [];
    for (const [rid, { kind, reply }] of replies.entries()) {
      const expectedStatus = kind === 'throw' || kind === 'reject' ? 500 : 200;
      if (reply.status !== expectedStatus) {
        badAnswers.push(`${rid} ${kind}: status ${reply.status} ${reply.text.slice(0, 200)}`);
        continue;
      }
      if (kind === 'stream') {
        if (reply.body.length !== STREAMED_BYTES) badAnswers.push(`${rid} stream: ${reply.body.length} bytes`);
        continue;
      }
      const answer = JSON.parse(reply.text) as { rid: number; context: Record<string, unknown> };
      const c = answer.context;
      const ok = answer.rid === rid && c.username === `u${rid}` && c.path === `/r/${rid}/${kind}` && c.agent === `agent-${rid}` && c.rid === rid && !('inner_rid' in c);
      if (!ok) badAnswers.push(`${rid} ${kind}: ${reply.text.slice(0, 300)}`);
    }

    // Every request's events, in full, and no other's.
    const missing: string[] = [];
    for (let rid = 0; rid < REQUESTS; rid++) {
      const kind = KINDS[rid % KINDS.length]!;
      const names = checker.perRequest.get(rid) ?? [];
      const expected = ['page', ...EXPECTED[kind]];
      const got = kind === 'stream' ? [...new Set(names)] : names;
      if (JSON.stringify(got) !== JSON.stringify(expected)) missing.push(`${rid} ${kind}: ${names.join(',')}`);
    }
    const chunks = [...checker.perRequest.values()].flat().filter((n) => n === 'app.stream.chunk').length;

    recordFigures(`isolation/${name}`, {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      events: checker.events,
      leaks: checker.leaks,
      orphanEvents: checker.orphans,
      badAnswers: badAnswers.length,
      requestsWithWrongEvents: missing.length,
      poolCallbacksRunInAnotherRequest: h.pool.handedOver,
      streamChunks: chunks,
      seconds: elapsedMs / 1000,
    });
    expect(checker.samples).toEqual([]);
    expect(checker.leaks).toBe(0);
    expect(checker.orphans).toBe(0);
    expect(badAnswers.slice(0, 10)).toEqual([]);
    expect(missing.slice(0, 10)).toEqual([]);
    // The classic case did happen: queued callbacks ran in other requests' contexts.
    expect(h.pool.handedOver).toBeGreaterThan(100);
    // And nothing was left in the process-level frame.
    expect(h.tracker.resolveContext()).toEqual({});
  });
});
