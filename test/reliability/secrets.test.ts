// 8. Secrets (issue 20). The Segment webhook's `?key=` secret and passwords reached
// tracking.log through page events of paths the ignore patterns miss (`/Segmentio/Event`,
// `//segmentio/event`, `/Event`); page events logged `Password`, `pwd`, `token`, `key`...;
// /event payloads that were not JSON were logged raw. Each reproduction runs on real
// Express 5 and Koa 3 apps and checks the bytes of tracking.log and what Segment received:
// - with edxDefaults() as it is, no secret is anywhere;
// - with censorPasswords: false (Open edX's censoring only), a request that reached an
//   endpoint still has no page event: the endpoint claimed it, whatever its path's spelling.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import Koa from 'koa';
import { createTracker, edxDefaults } from '../../src';
import { segmentioHandler as expressSegmentio, trackMiddleware as expressTrack, userTrackHandler as expressUserTrack } from '../../src/express';
import { segmentioHandler as koaSegmentio, trackMiddleware as koaTrack, userTrackHandler as koaUserTrack, type KoaContext } from '../../src/koa';
import { koaBodyParser } from '../http/frameworks';
import { FaultSink } from './support/fault-sink';
import { printFigures, recordFigures } from './support/figures';
import { send } from './support/http';
import { serveSite, type Site } from './support/site';

afterAll(printFigures);

const WEBHOOK_SECRET = `webhook-${randomUUID()}`;
const FRAMEWORKS = ['express', 'koa'] as const;
type Framework = (typeof FRAMEWORKS)[number];

/**
 * An app on Express or Koa: a form parser, trackMiddleware, `/event` and the Segment
 * webhook, and a page for every other path. Express routes as it does by default (case-
 * insensitive, so `/Segmentio/Event` reaches the webhook, `//segmentio/event` does not);
 * the Koa app routes as lenient routers do (case and repeated slashes ignored), so every
 * spelling reaches its endpoint. tracking.log and a Segment branch (every name whitelisted).
 */
async function site(framework: Framework, censorPasswords: boolean, whitelist: string[]): Promise<Site> {
  const sink = await FaultSink.start();
  const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-secrets-')), 'tracking.log');
  const tracker = createTracker({
    ...edxDefaults({ trackingLog, censorPasswords, segment: { writeKey: 'secrets-key', host: sink.url, whitelist, flushAt: 20, flushInterval: 20 } }),
    onError: () => undefined,
  });
  const user = { id: 42, username: 'alice' };
  const segmentioOptions = { tracker, secret: WEBHOOK_SECRET, lookupUser: (id: unknown) => (id === 42 ? user : null) };
  let listener: RequestListener;
  if (framework === 'koa') {
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      ctx.state.user = user;
      await next();
    });
    app.use(koaBodyParser('form'));
    app.use(koaTrack({ tracker, secretKey: 'secrets-secret-key' }) as unknown as Koa.Middleware);
    const event = koaUserTrack({ tracker });
    const segmentio = koaSegmentio(segmentioOptions);
    app.use(async (ctx, next) => {
      const route = ctx.path.toLowerCase().replace(/\/{2,}/g, '/');
      if (route === '/event') await event(ctx as unknown as KoaContext, next);
      else if (route === '/segmentio/event') await segmentio(ctx as unknown as KoaContext, next);
      else ctx.body = 'page';
    });
    listener = app.callback();
  } else {
    const app = express();
    app.use((req, _res, next) => {
      Object.assign(req, { user });
      next();
    });
    app.use(express.urlencoded({ extended: false }));
    app.use(expressTrack({ tracker, secretKey: 'secrets-secret-key' }));
    app.all('/event', expressUserTrack({ tracker }));
    app.post('/segmentio/event', expressSegmentio(segmentioOptions));
    app.use((_req, res) => {
      res.send('page');
    });
    listener = app;
  }
  return serveSite(listener, { tracker, sink, trackingLog });
}

/** The lines of tracking.log, parsed. */
function loggedEvents(s: Site): Array<Record<string, any>> {
  return readFileSync(s.trackingLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
}

/** Everything that left: tracking.log's bytes and the bodies the Segment sink received. */
function whatLeft(s: Site): string {
  return `${readFileSync(s.trackingLog, 'utf8')}\n${s.sink.rawBodies.join('\n')}`;
}

/** The secrets found in `text`, as they are or JSON-, URL- or form-escaped. */
function found(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) =>
    [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)].some((form) => text.includes(form)),
  );
}

const MOBILE = {
  type: 'track',
  userId: 42,
  timestamp: '2014-08-27T16:33:39.215Z',
  receivedAt: '2014-08-27T16:33:41.100Z',
  context: { library: { name: 'analytics-ios' } },
  properties: { name: 'edx.mobile.secrets', data: { n: 1 } },
};

/** The three requests: the webhook by two spellings of its path, and /Event with a password in its form. */
async function sendReproductions(s: Site, password: string): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  const json = { 'content-type': 'application/json' };
  statuses['POST /Segmentio/Event'] = (await send(s.base, { method: 'POST', path: `/Segmentio/Event?key=${WEBHOOK_SECRET}`, headers: json, body: JSON.stringify(MOBILE) })).status;
  statuses['POST //segmentio/event'] = (await send(s.base, { method: 'POST', path: `//segmentio/event?key=${WEBHOOK_SECRET}`, headers: json, body: JSON.stringify(MOBILE) })).status;
  const form = new URLSearchParams({ event_type: 'edx.ui.secrets', event: JSON.stringify({ password, note: 'visible' }), page: 'http://x/', password });
  statuses['POST /Event'] = (await send(s.base, { method: 'POST', path: '/Event', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() })).status;
  return statuses;
}

describe.each(FRAMEWORKS)('the webhook secret and /event passwords on %s', (framework) => {
  const pagePaths = ['/Segmentio/Event', '//segmentio/event', '/Event'];

  it('never reach tracking.log or Segment with edxDefaults() as it is', async () => {
    const s = await site(framework, true, ['edx.mobile.secrets', 'edx.ui.secrets', ...pagePaths]);
    const password = `pw-${randomUUID()}`;
    let statuses: Record<string, number>;
    try {
      statuses = await sendReproductions(s, password);
    } finally {
      await s.close();
    }
    const events = loggedEvents(s);
    const pageEvents = events.filter((event) => pagePaths.includes(event.event_type));
    recordFigures(`secrets/endpoint paths on ${framework}`, {
      statuses,
      events: events.length,
      pageEvents: pageEvents.map((event) => event.event_type),
      secretsLeft: found(whatLeft(s), [WEBHOOK_SECRET, password]).length,
    });
    expect(found(whatLeft(s), [WEBHOOK_SECRET, password])).toEqual([]);
    // The endpoints were reached: their events are logged (the browser event censored).
    expect(events.filter((event) => event.event_type === 'edx.mobile.secrets').length).toBe(framework === 'koa' ? 2 : 1);
    const browser = events.find((event) => event.event_type === 'edx.ui.secrets');
    expect(JSON.parse(browser!.event as string)).toEqual({ password: '********', note: 'visible' });
    // Every request is answered; only the one no endpoint answered (Express: `//segmentio/event`,
    // which the app's page route took) has a page event, and its key is censored.
    expect(statuses).toEqual({ 'POST /Segmentio/Event': 200, 'POST //segmentio/event': 200, 'POST /Event': 200 });
    if (framework === 'express') {
      expect(pageEvents.map((event) => [event.event_type, event.event])).toEqual([['//segmentio/event', '{"GET": {"key": "********"}, "POST": {}}']]);
    } else {
      expect(pageEvents).toEqual([]);
    }
  });

  it('give no page event of an endpoint even without the censor (censorPasswords: false): the endpoint claims its request', async () => {
    const s = await site(framework, false, ['edx.mobile.secrets']);
    const password = `pw-${randomUUID()}`;
    try {
      await sendReproductions(s, password);
    } finally {
      await s.close();
    }
    const events = loggedEvents(s);
    const reached = framework === 'koa' ? pagePaths : ['/Segmentio/Event', '/Event'];
    expect(events.filter((event) => reached.includes(event.event_type))).toEqual([]);
    expect(events.filter((event) => event.event_type === 'edx.mobile.secrets').length).toBe(reached.length - 1);
    // Nothing of an endpoint's request but its own event: the key is in no line of a reached path.
    expect(found(events.filter((event) => reached.includes(String(event.context?.path))).map((event) => JSON.stringify(event)).join('\n'), [WEBHOOK_SECRET])).toEqual([]);
  });
});

describe.each(FRAMEWORKS)('sensitive names in page events and raw /event payloads on %s', (framework) => {
  // Issue 20: each of these names was logged as sent; so were /event payloads that were not JSON.
  const NAMES = ['Password', 'pwd', 'passwd', 'access_token', 'api_key', 'token', 'client_secret', 'key', 'apiKey', 'user[Password]', 'csrfmiddlewaretoken'];

  it('never reach tracking.log or Segment', async () => {
    const s = await site(framework, true, ['/courses/x/page', 'edx.ui.raw']);
    const secrets: string[] = [];
    const secret = () => {
      // Short, so that the page event's data stays under its 512-character cut: a secret past it would prove nothing.
      secrets.push(`s3${randomUUID().slice(0, 8)}`);
      return secrets[secrets.length - 1]!;
    };
    try {
      const query = new URLSearchParams([['note', 'visible'], ...NAMES.map((name): [string, string] => [name, secret()])]);
      expect((await send(s.base, { path: `/courses/x/page?${query}` })).status).toBe(200);
      const form = new URLSearchParams([['note', 'visible'], ...NAMES.map((name): [string, string] => [name, secret()]), ['next', `/x?token=${secret()}`]]);
      const page = await send(s.base, { method: 'POST', path: '/courses/x/page', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      expect(page.status).toBe(200);
      const raw = [`a=1&password=${secret()}&Token=${secret()}`, `{password: '${secret()}', apiKey: ${JSON.stringify(secret())}}`, `{'pwd': '${secret()}'`];
      for (const event of raw) {
        const reply = await send(s.base, { method: 'POST', path: '/event', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ event_type: 'edx.ui.raw', event, page: `http://x/?key=${secret()}` }).toString() });
        expect(reply.status).toBe(200);
      }
    } finally {
      await s.close();
    }
    const events = loggedEvents(s);
    recordFigures(`secrets/sensitive names on ${framework}`, { secretsSent: secrets.length, events: events.length, atSink: s.sink.processed.size, secretsLeft: found(whatLeft(s), secrets).length });
    expect(events.map((event) => event.event_type)).toEqual(['/courses/x/page', '/courses/x/page', 'edx.ui.raw', 'edx.ui.raw', 'edx.ui.raw']);
    expect(s.sink.processed.size).toBe(5);
    // Whole page events (not cut before the last name), the other fields kept.
    for (const event of events.slice(0, 2)) expect(JSON.parse(event.event as string)).toEqual(expect.objectContaining({}));
    expect(events.slice(0, 2).every((event) => String(event.event).includes('"note": ["visible"]'))).toBe(true);
    expect(found(whatLeft(s), secrets)).toEqual([]);
  });
});
