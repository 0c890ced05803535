// 8. Client address and forgery (issue 20). The reproductions of the issue, on Express
// and Koa, against real servers writing tracking.log through edxDefaults, with real
// reverse proxies in front: one that appends the address it sees to X-Forwarded-For
// (nginx's $proxy_add_x_forwarded_for) and one that overwrites it (X-Forwarded-For
// $remote_addr); the client connects from 127.0.0.3, the proxies reach the app from
// 127.0.0.2. Without trustProxy, the client chooses its ip, as in Open edX (each case
// checks the attack still works there, so that the protected cases mean something);
// with trustProxy (false, the proxy's address, a hop count, the framework's setting)
// it never does. A cross-site text/plain POST to /event is refused and logged nowhere;
// with refuseCrossOrigin: false (the control) it is logged under the visitor.
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import Koa from 'koa';
import { createTracker, edxDefaults, type Tracker } from '../../src';
import { trackMiddleware as expressTrack, userTrackHandler as expressUserTrack } from '../../src/express';
import { trackMiddleware as koaTrack, userTrackHandler as koaUserTrack } from '../../src/koa';
import { printFigures, recordFigures } from './support/figures';
import { send } from './support/http';

afterAll(printFigures);

const CLIENT = '127.0.0.3';
const PROXY = '127.0.0.2';
/** What the client writes to pass for someone else: a public address. */
const SPOOF = '8.8.8.8';
const SECRET_KEY = 'client-ip-secret-key';

type Framework = 'express' | 'koa';
type Through = 'direct' | 'appending proxy' | 'overwriting proxy';

interface TrackOptions {
  trustProxy?: false | number | string[] | 'framework';
}

interface Site {
  base: string;
  trackingLog: string;
  close(): Promise<void>;
}

async function listenOn(listener: RequestListener): Promise<{ server: Server; base: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A site on `framework`: trackMiddleware with `track`, userTrackHandler with
 * `refuseCrossOrigin`, a page for every other path, and tracking.log. `frameworkProxy`
 * turns on the framework's own proxy setting (Express: trust proxy = the proxy's
 * address; Koa: app.proxy with maxIpsCount 1). The user is alice when the cookie says so.
 */
async function site(framework: Framework, track: TrackOptions, refuseCrossOrigin = true): Promise<Site> {
  const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-client-ip-')), 'tracking.log');
  const tracker: Tracker = createTracker({ ...edxDefaults({ trackingLog }), onError: () => undefined });
  const userOf = (cookie: string | undefined) => (/(?:^|;\s*)user=alice/.test(cookie ?? '') ? { id: 42, username: 'alice' } : undefined);
  let listener: RequestListener;
  if (framework === 'koa') {
    const app = new Koa();
    app.silent = true;
    if (track.trustProxy === 'framework') {
      app.proxy = true;
      app.maxIpsCount = 1;
    }
    app.use(async (ctx, next) => {
      ctx.state.user = userOf(ctx.get('cookie'));
      await next();
    });
    app.use(koaTrack({ tracker, secretKey: SECRET_KEY, trustProxy: track.trustProxy === 'framework' ? 'koa' : track.trustProxy }) as unknown as Koa.Middleware);
    const event = koaUserTrack({ tracker, refuseCrossOrigin });
    app.use(async (ctx, next) => {
      if (ctx.path === '/event') await event(ctx as never, next);
      else ctx.body = 'page';
    });
    listener = app.callback();
  } else {
    const app = express();
    if (track.trustProxy === 'framework') app.set('trust proxy', PROXY);
    app.use((req, _res, next) => {
      Object.assign(req, { user: userOf(req.headers.cookie) });
      next();
    });
    app.use(expressTrack({ tracker, secretKey: SECRET_KEY, trustProxy: track.trustProxy === 'framework' ? 'express' : track.trustProxy }));
    app.all('/event', expressUserTrack({ tracker, refuseCrossOrigin }));
    app.use((_req, res) => {
      res.send('page');
    });
    listener = app;
  }
  const { server, base } = await listenOn(listener);
  return {
    base,
    trackingLog,
    async close() {
      await closeServer(server);
      await tracker.close();
    },
  };
}

/**
 * A reverse proxy on 127.0.0.1 in front of `target`, reaching it from 127.0.0.2: it
 * appends the address it sees to X-Forwarded-For, or overwrites the header with it.
 */
async function reverseProxy(kind: 'append' | 'overwrite', target: string): Promise<{ base: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const agent = new Agent({ localAddress: PROXY });
  const { server, base } = await listenOn((req, res) => {
    const seen = req.socket.remoteAddress ?? '';
    const given = req.headers['x-forwarded-for'];
    const forwardedFor = kind === 'append' && given ? `${given}, ${seen}` : seen;
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwardedFor }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return {
    base,
    async close() {
      await closeServer(server);
      agent.destroy();
    },
  };
}

/** The lines of a tracking.log. */
function lines(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** How a client passes for someone else, and through what. */
interface Spoof {
  through: Through;
  header: string;
}

const HEADERS = ['X-Forwarded-For', 'Client-IP', 'X-Real-IP', 'Forwarded', 'Via'];
const SPOOFS: Spoof[] = (['direct', 'appending proxy', 'overwriting proxy'] as const).flatMap((through) => HEADERS.map((header) => ({ through, header })));

/** The ip each trustProxy must log for a spoof; `undefined` for the combinations not run. */
function expectedIp(track: TrackOptions, { through, header }: Spoof): string | undefined {
  const proxied = through !== 'direct';
  if (track.trustProxy === undefined) {
    // Open edX: the public address the client wrote wins, unless the only place it wrote
    // it is an X-Forwarded-For that the proxy overwrote.
    return through === 'overwriting proxy' && header === 'X-Forwarded-For' ? CLIENT : SPOOF;
  }
  if (track.trustProxy === false) return proxied ? PROXY : CLIENT;
  // A hop count and Koa's app.proxy trust whoever connects: they are for apps only the proxy reaches.
  if (!proxied && (typeof track.trustProxy === 'number' || track.trustProxy === 'framework')) return undefined;
  return CLIENT;
}

describe.each(['express', 'koa'] as const)('the client chooses its ip only where Open edX lets it (%s)', (framework) => {
  const MODES: Array<[string, TrackOptions]> = [
    ['trustProxy left out (Open edX)', {}],
    ['trustProxy: false', { trustProxy: false }],
    [`trustProxy: ['${PROXY}']`, { trustProxy: [PROXY] }],
    ['trustProxy: 1', { trustProxy: 1 }],
    [`trustProxy: '${framework}'`, { trustProxy: 'framework' }],
  ];

  it.each(MODES)('%s: X-Forwarded-For, Client-IP, X-Real-IP, Forwarded and Via, with no proxy, an appending and an overwriting one', async (mode, track) => {
    const s = await site(framework, track);
    const appending = await reverseProxy('append', s.base);
    const overwriting = await reverseProxy('overwrite', s.base);
    const direct = new Agent({ localAddress: CLIENT });
    const sent: Array<{ spoof: Spoof; path: string; ip: string }> = [];
    try {
      for (const [i, spoof] of SPOOFS.entries()) {
        const ip = expectedIp(track, spoof);
        if (ip === undefined) continue;
        const path = `/courses/spoof-${i}`;
        const base = spoof.through === 'direct' ? s.base : spoof.through === 'appending proxy' ? appending.base : overwriting.base;
        const answer = await send(base, { path, headers: { [spoof.header]: SPOOF } }, direct);
        expect(answer.status).toBe(200);
        sent.push({ spoof, path, ip });
      }
    } finally {
      direct.destroy();
      await appending.close();
      await overwriting.close();
      await s.close();
    }
    const logged = new Map(lines(s.trackingLog).map((line) => [line.event_type as string, line.ip as string]));
    const wrong = sent.filter(({ path, ip }) => logged.get(path) !== ip).map(({ spoof, path, ip }) => `${spoof.through}, ${spoof.header}: logged ${logged.get(path)}, expected ${ip}`);
    expect(wrong).toEqual([]);
    const believed = sent.filter(({ ip }) => ip === SPOOF).length;
    recordFigures(`client-ip/${framework}/${mode}`, { requests: sent.length, spoofsBelieved: believed });
    if (track.trustProxy === undefined) expect(believed).toBeGreaterThan(0);
    else expect(believed).toBe(0);
  });
});

describe.each(['express', 'koa'] as const)('a cross-site text/plain POST to /event (%s)', (framework) => {
  const FORGED = { path: '/event', method: 'POST', body: 'event_type=edx.forged&event=%7B%22grade%22%3A1%7D' };
  const visitor = { cookie: 'user=alice', 'content-type': 'text/plain' };

  it('is refused (403) and logged nowhere, whether the browser sends Sec-Fetch-Site or only Origin', async () => {
    const s = await site(framework, {});
    const answers: number[] = [];
    try {
      answers.push((await send(s.base, { ...FORGED, headers: { ...visitor, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } })).status);
      answers.push((await send(s.base, { ...FORGED, headers: { ...visitor, origin: 'https://evil.example' } })).status);
      answers.push((await send(s.base, { ...FORGED, headers: { ...visitor, 'sec-fetch-site': 'same-origin', origin: s.base } })).status);
    } finally {
      await s.close();
    }
    expect(answers).toEqual([403, 403, 200]);
    const browserEvents = lines(s.trackingLog).filter((line) => line.event_source === 'browser');
    expect(browserEvents).toHaveLength(1); // the same-origin one
    expect(browserEvents[0]).toMatchObject({ username: 'alice', event_type: 'edx.forged' });
    recordFigures(`forgery/${framework}`, { forgedRefused: answers.filter((status) => status === 403).length, sameOriginAccepted: 1 });
  });

  it('is logged under the visitor with refuseCrossOrigin: false (the hole the check closes)', async () => {
    const s = await site(framework, {}, false);
    try {
      expect((await send(s.base, { ...FORGED, headers: { ...visitor, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } })).status).toBe(200);
    } finally {
      await s.close();
    }
    expect(lines(s.trackingLog).filter((line) => line.event_source === 'browser')).toMatchObject([{ username: 'alice', event_type: 'edx.forged', event: '{"grade": 1}' }]);
  });
});
