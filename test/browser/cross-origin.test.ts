// userTrackHandler's cross-origin check in real Chromium: what the browser sends with the
// Logger's own requests (fetch and beacons) and with what another site's page can make
// it send (a no-cors text/plain fetch, beacons, an image), and what the endpoint does
// with each. The "LMS" listens on 127.0.0.1:P; the other pages come from a second server,
// as http://localhost:Q (another site) or http://127.0.0.1:Q (the same site, another
// origin, as an MFE beside the LMS). Both hosts count as secure contexts, so Chromium
// sends Sec-Fetch-Site to them as it does over HTTPS.
import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MemoryBackend, Tracker } from '../../src';
import { browserScriptHandler, trackMiddleware, userTrackHandler } from '../../src/express';
import { describeInChromium, launchChromium, watchForErrors } from './chromium';
import { serve, type Running } from './servers';

/** What the page functions below see as their global object. */
type PageGlobal = any; // the root tsconfig has no DOM lib; the page code is checked by running it

/** One request that reached an endpoint of the LMS, with the answer it got. */
interface Arrival {
  path: string;
  method: string;
  site: string | undefined;
  origin: string | undefined;
  status: number;
}

const PAGE = (title: string) => `<!doctype html><html><head><script src="/eventtracking.js"></script></head><body>${title}</body></html>`;

describeInChromium('userTrackHandler refuses what other sites make a browser send (real Chromium)', () => {
  let browser: Browser;
  let lms: Running;
  let other: Running;
  let memory: MemoryBackend;
  let tracker: Tracker;
  const arrivals: Arrival[] = [];
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    memory = new MemoryBackend();
    tracker = new Tracker({ backends: { memory } });
    other = await serve(express().get('/eventtracking.js', browserScriptHandler()).get('/page', (_req, res) => res.send(PAGE('other'))));
    const otherPort = new URL(other.base).port;
    const app = express();
    app.get('/eventtracking.js', browserScriptHandler());
    app.get('/page', (_req, res) => res.send(PAGE('lms')));
    app.use((req, res, next) => {
      if (!req.path.endsWith('/event')) return next();
      const header = (headers: IncomingHttpHeaders, name: string) => headers[name] as string | undefined;
      res.on('finish', () =>
        arrivals.push({ path: req.path, method: req.method, site: header(req.headers, 'sec-fetch-site'), origin: header(req.headers, 'origin'), status: res.statusCode }),
      );
      next();
    });
    app.use(trackMiddleware({ tracker, secretKey: 'browser-cross-origin' }));
    app.all('/event', userTrackHandler({ tracker }));
    app.all('/sibling/event', userTrackHandler({ tracker, allowedOrigins: [`http://127.0.0.1:${otherPort}`] }));
    app.all('/unchecked/event', userTrackHandler({ tracker, refuseCrossOrigin: false }));
    lms = await serve(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await lms?.close();
    await other?.close();
  });
  beforeEach(async () => {
    arrivals.length = 0;
    memory.reset();
    context = await browser.newContext();
    page = await context.newPage();
    problems = watchForErrors(page);
  });
  afterEach(async () => {
    await context.close();
  });

  /** Waits until `count` requests reached the LMS's endpoints; gives them in arrival order. */
  async function arrived(count: number): Promise<Arrival[]> {
    const deadline = Date.now() + 5000;
    while (arrivals.length < count) {
      if (Date.now() > deadline) throw new Error(`${arrivals.length} requests reached the LMS, not ${count}: ${JSON.stringify(arrivals)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // and no more
    return [...arrivals].sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
  }

  /** The names of the browser events the LMS recorded, sorted (page events, of /favicon.ico say, left out). */
  const recorded = () =>
    memory.events
      .filter((event) => event.context?.event_source === 'browser')
      .map((event) => String(event.name))
      .sort();

  /** In the current page: every request another site can make a browser send to `url` without a preflight. */
  async function forge(url: string): Promise<void> {
    await page.evaluate(async (target) => {
      const g = globalThis as PageGlobal;
      const body = (name: string) => `event_type=${name}&event=%7B%7D`;
      await g.fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: body('forged.fetch') });
      g.navigator.sendBeacon(target, new g.URLSearchParams(body('forged.beacon')));
      g.navigator.sendBeacon(target, new g.Blob([body('forged.text-beacon')], { type: 'text/plain' }));
      await new Promise((resolve) => {
        const image = new g.Image();
        image.onload = image.onerror = resolve;
        image.src = `${target}?${body('forged.image')}`;
      });
    }, url);
  }

  it("accepts the Logger's own requests from the LMS's pages: fetch, GET and the page_close beacon (Sec-Fetch-Site: same-origin)", async () => {
    await page.goto(`${lms.base}/page`);
    await page.evaluate(async () => {
      const { Logger } = globalThis as PageGlobal;
      Logger.bind();
      await Logger.log('own.fetch', { n: 1 });
      await Logger.log('own.get', { n: 2 }, null, { type: 'GET' });
    });
    await page.goto('about:blank'); // pagehide: page_close goes by beacon
    const requests = await arrived(3);
    expect(requests.map(({ method, site, origin, status }) => ({ method, site, origin, status }))).toEqual([
      { method: 'GET', site: 'same-origin', origin: undefined, status: 200 },
      { method: 'POST', site: 'same-origin', origin: lms.base, status: 200 },
      { method: 'POST', site: 'same-origin', origin: lms.base, status: 200 },
    ]);
    expect(recorded()).toEqual(['own.fetch', 'own.get', 'page_close']);
    expect(problems).toEqual([]);
  });

  it('refuses every request a page of another site makes the browser send, beacons included (Sec-Fetch-Site: cross-site)', async () => {
    const otherSite = other.base.replace('127.0.0.1', 'localhost');
    await page.goto(`${otherSite}/page`);
    await forge(`${lms.base}/event`);
    const requests = await arrived(4);
    expect(requests.map(({ method, site, origin, status }) => ({ method, site, origin, status }))).toEqual([
      { method: 'GET', site: 'cross-site', origin: undefined, status: 403 },
      { method: 'POST', site: 'cross-site', origin: otherSite, status: 403 },
      { method: 'POST', site: 'cross-site', origin: otherSite, status: 403 },
      { method: 'POST', site: 'cross-site', origin: otherSite, status: 403 },
    ]);
    expect(recorded()).toEqual([]);
  });

  it('the same requests are recorded by an endpoint with refuseCrossOrigin: false (the forgery the check stops)', async () => {
    await page.goto(`${other.base.replace('127.0.0.1', 'localhost')}/page`);
    await forge(`${lms.base}/unchecked/event`);
    expect((await arrived(4)).map((request) => request.status)).toEqual([200, 200, 200, 200]);
    expect(recorded()).toEqual(['forged.beacon', 'forged.fetch', 'forged.image', 'forged.text-beacon']);
  });

  it("refuses a sibling origin of the same site (an MFE's) unless allowedOrigins lists it (Sec-Fetch-Site: same-site)", async () => {
    await page.goto(`${other.base}/page`);
    await page.evaluate(async (lmsBase) => {
      const { Logger } = globalThis as PageGlobal;
      Logger.configure({ pathPrefix: lmsBase });
      await Logger.log('mfe.refused', {});
      Logger.configure({ endpoint: '/sibling/event' });
      await Logger.log('mfe.allowed', {});
      (globalThis as PageGlobal).navigator.sendBeacon(`${lmsBase}/sibling/event`, new (globalThis as PageGlobal).URLSearchParams('event_type=mfe.beacon'));
    }, lms.base);
    const requests = await arrived(3);
    expect(requests.map(({ path, site, origin, status }) => ({ path, site, origin, status }))).toEqual([
      { path: '/event', site: 'same-site', origin: other.base, status: 403 },
      { path: '/sibling/event', site: 'same-site', origin: other.base, status: 200 },
      { path: '/sibling/event', site: 'same-site', origin: other.base, status: 200 },
    ]);
    expect(recorded()).toEqual(['mfe.allowed', 'mfe.beacon']);
  });
});
