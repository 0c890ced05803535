// 7. Page events held under load: 4,000 requests, 100 at a time over keep-alive
// connections, through an app with /event mounted at /api/tracking/event (a path no
// ignore pattern names). A quarter are browser events (no page event), a quarter are
// pages whose handler emits (the page event first), a quarter pages that emit nothing
// (the page event when the response ends), a quarter pages the client aborts while
// the handler waits (the page event when the connection closes). Every page request
// must have exactly one page event, first among its events, and no /event request
// any. Express 5 and Koa 3.
import { request as httpRequest, type RequestListener } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import { MemoryBackend, Tracker } from '../../src';
import { trackMiddleware as expressTrack, userTrackHandler as expressUserTrack } from '../../src/express';
import { trackMiddleware as koaTrack, userTrackHandler as koaUserTrack, type KoaContext } from '../../src/koa';
import { printFigures, recordFigures } from './support/figures';
import { delay, keepAliveAgent, runPool, send, waitUntil } from './support/http';

const REQUESTS = 4000;
const CONCURRENCY = 100;
const KINDS = ['event', 'emits', 'quiet', 'aborted'] as const;
type Kind = (typeof KINDS)[number];
const EVENT_PATH = '/api/tracking/event';

const kindOf = (rid: number): Kind => KINDS[rid % KINDS.length]!;

/** What the page handlers do: `emits` emits after a hop, `quiet` answers after a hop, `aborted` waits for the client to go. */
async function handle(tracker: Tracker, kind: Kind, rid: number): Promise<string> {
  if (kind === 'emits') {
    await new Promise((resolve) => setImmediate(resolve));
    tracker.emit('app.work', { rid });
  } else if (kind === 'quiet') {
    await delay(1);
  } else if (kind === 'aborted') {
    await delay(100);
  }
  return 'ok';
}

function expressApp(tracker: Tracker): RequestListener {
  const app = express();
  app.use(expressTrack({ tracker, secretKey: 'held-secret' }));
  app.all(EVENT_PATH, expressUserTrack({ tracker }));
  app.get(/^\/r\/\d+\/\w+$/, (req, res) => {
    const [, rid, kind] = /^\/r\/(\d+)\/(\w+)$/.exec(req.path) ?? [];
    void handle(tracker, kind as Kind, Number(rid)).then((text) => {
      if (!res.destroyed) res.send(text);
    });
  });
  return app;
}

function koaApp(tracker: Tracker): RequestListener {
  const app = new Koa();
  app.silent = true;
  app.use(koaTrack({ tracker, secretKey: 'held-secret' }) as unknown as Koa.Middleware);
  const event = koaUserTrack({ tracker });
  app.use(async (ctx, next) => {
    if (ctx.path === EVENT_PATH) return event(ctx as unknown as KoaContext, next);
    const [, rid, kind] = /^\/r\/(\d+)\/(\w+)$/.exec(ctx.path) ?? [];
    if (rid !== undefined) ctx.body = await handle(tracker, kind as Kind, Number(rid));
  });
  return app.callback();
}

/** Sends a GET and destroys the socket as soon as the request is written: the handler is still waiting. */
function sendAndAbort(base: string, path: string): Promise<void> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path, agent: false });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.end(() => setTimeout(() => req.destroy(), 20));
  });
}

afterAll(printFigures);

describe.each([
  ['Express 5', expressApp],
  ['Koa 3', koaApp],
])('held page events under load on %s', (name, build) => {
  it(`gives each of ${REQUESTS} requests (${CONCURRENCY} at a time, a quarter aborted) its page event, first, once — and /event none`, async () => {
    const memory = new MemoryBackend();
    const failures: string[] = [];
    const tracker = new Tracker({ backends: { memory }, onError: (error) => failures.push(error.message) });
    const server: Server = createServer(build(tracker));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = keepAliveAgent(CONCURRENCY);
    const started = Date.now();
    try {
      await runPool(REQUESTS, CONCURRENCY, async (rid) => {
        const kind = kindOf(rid);
        if (kind === 'aborted') return sendAndAbort(base, `/r/${rid}/aborted`);
        if (kind === 'event') {
          const reply = await send(base, { path: `${EVENT_PATH}?event_type=browser.${rid}` }, agent);
          expect(reply.text).toBe('success');
          return undefined;
        }
        const reply = await send(base, { path: `/r/${rid}/${kind}` }, agent);
        expect(reply.text).toBe('ok');
        return undefined;
      });
      // The aborted requests' handlers are still waiting; their page events come when the connections close.
      await waitUntil(() => memory.events.length >= (REQUESTS / 4) * 5, 'every page event is in');
      await delay(150);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    const perRequest = new Map<number, string[]>();
    const endpointPageEvents: string[] = [];
    for (const event of memory.events) {
      const path = String(event.context?.path ?? '');
      if (path === EVENT_PATH) {
        if (event.name === EVENT_PATH) endpointPageEvents.push(String(event.context?.path));
        continue;
      }
      const rid = Number(/^\/r\/(\d+)\//.exec(path)?.[1]);
      const names = perRequest.get(rid) ?? [];
      names.push(event.name === path ? 'page' : String(event.name));
      perRequest.set(rid, names);
    }
    const wrong: string[] = [];
    for (let rid = 0; rid < REQUESTS; rid++) {
      const kind = kindOf(rid);
      if (kind === 'event') continue;
      const expected = kind === 'emits' ? ['page', 'app.work'] : ['page'];
      const names = perRequest.get(rid) ?? [];
      if (JSON.stringify(names) !== JSON.stringify(expected)) wrong.push(`${rid} ${kind}: ${names.join(',')}`);
    }
    const browserEvents = memory.events.filter((event) => String(event.name).startsWith('browser.')).length;

    recordFigures(`held-page-events/${name}`, {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      events: memory.events.length,
      browserEvents,
      endpointPageEvents: endpointPageEvents.length,
      requestsWithWrongEvents: wrong.length,
      failures: failures.length,
      seconds: (Date.now() - started) / 1000,
    });
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(endpointPageEvents).toEqual([]);
    expect(browserEvents).toBe(REQUESTS / 4);
    expect(memory.events).toHaveLength((REQUESTS / 4) * 5);
    expect(failures).toEqual([]);
    expect(tracker.resolveContext()).toEqual({});
  });
});
