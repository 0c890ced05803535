// 6. Privacy. Password-like fields never reach a backend: not in page events (query
// and form, flat or nested, repeated, bracket-named), not in /event payloads, not on
// the Segment branch. The client cannot spoof what the server derives (user, session,
// ip, event_source...). Session keys are only ever stored hashed. RedactProcessor
// drops or hashes chosen fields on chosen branches. Everything is checked on what
// actually left: the bytes of tracking.log and the bodies the Segment sink received.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import fc from 'fast-check';
import Koa from 'koa';
import { createTracker, edxDefaults, type EngineSpec, type TrackerConfig } from '../../src';
import { segmentioHandler as expressSegmentio, trackMiddleware as expressTrack, userTrackHandler as expressUserTrack } from '../../src/express';
import { segmentioHandler as koaSegmentio, trackMiddleware as koaTrack, userTrackHandler as koaUserTrack } from '../../src/koa';
import { PasswordCensorProcessor } from '../../src/processors/censor-passwords';
import { RedactProcessor } from '../../src/processors/redact';
import { PASSWORD_KEYS } from '../../src/processors/password-keys';
import { hashSessionKey } from '../../src/request/session';
import { koaBodyParser } from '../http/frameworks';
import { FaultSink } from './support/fault-sink';
import { printFigures, recordFigures } from './support/figures';
import { keepAliveAgent, send } from './support/http';
import { serveSite, type Site } from './support/site';

afterAll(printFigures);

const SECRET_KEY = 'privacy-secret-key';
const WEBHOOK_SECRET = 'privacy-webhook-secret';
const COURSE = 'course-v1:edX+DemoX+Demo_2014';

/** Adds `processors` in front of the root processors of a config (what an operator does to censor every branch). */
function withRootProcessors(config: TrackerConfig, processors: EngineSpec[]): TrackerConfig {
  return { ...config, processors: [...processors, ...(config.processors ?? [])] };
}

/**
 * A site on Express or Koa with tracking.log and a Segment branch to a sink whose
 * whitelist holds every name the tests emit, so that everything that could leave does.
 */
async function site(framework: 'express' | 'express-extended' | 'koa', whitelist: string[], configure: (config: TrackerConfig) => TrackerConfig = (c) => c): Promise<Site> {
  const sink = await FaultSink.start();
  const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-privacy-')), 'tracking.log');
  const tracker = createTracker({
    ...configure(edxDefaults({ trackingLog, segment: { writeKey: 'privacy-key', host: sink.url, whitelist, flushAt: 50, flushInterval: 20 } })),
    onError: () => undefined,
  });
  const userOf = (cookie: string | undefined) => {
    const name = /(?:^|;\s*)user=(\w+)/.exec(cookie ?? '')?.[1];
    return name ? { id: name === 'alice' ? 42 : 43, username: name } : undefined;
  };
  const sessionOf = (cookie: string | undefined) => /(?:^|;\s*)sid=([\w-]+)/.exec(cookie ?? '')?.[1];
  let listener: RequestListener;
  if (framework === 'koa') {
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      ctx.state.user = userOf(ctx.get('cookie'));
      ctx.sessionId = sessionOf(ctx.get('cookie'));
      await next();
    });
    app.use(koaBodyParser('form'));
    app.use(koaTrack({ tracker, secretKey: SECRET_KEY }) as unknown as Koa.Middleware);
    const event = koaUserTrack({ tracker });
    const segmentio = koaSegmentio({ tracker, secret: WEBHOOK_SECRET, lookupUser: (id) => (id === 42 ? { id, username: 'alice' } : null) });
    app.use(async (ctx, next) => {
      if (ctx.path === '/event') await event(ctx as never, next);
      else if (ctx.path === '/segmentio/event') await segmentio(ctx as never, next);
      else ctx.body = 'page';
    });
    listener = app.callback();
  } else {
    const app = express();
    app.use((req, _res, next) => {
      Object.assign(req, { user: userOf(req.headers.cookie), sessionID: sessionOf(req.headers.cookie) });
      next();
    });
    app.use(express.urlencoded({ extended: framework === 'express-extended' }));
    app.use(expressTrack({ tracker, secretKey: SECRET_KEY }));
    app.all('/event', expressUserTrack({ tracker }));
    app.post('/segmentio/event', expressSegmentio({ tracker, secret: WEBHOOK_SECRET, lookupUser: (id) => (id === 42 ? { id, username: 'alice' } : null) }));
    app.use((_req, res) => {
      res.send('page');
    });
    listener = app;
  }
  return serveSite(listener, { tracker, sink, trackingLog });
}

/** Everything that left: tracking.log's bytes and every body the sink received. */
function whatLeft(s: Site): { log: string; sink: string } {
  return { log: readFileSync(s.trackingLog, 'utf8'), sink: s.sink.rawBodies.join('\n') };
}

/** The secrets among `secrets` found in `text`, also as JSON- or URL-escaped. */
function found(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)) || text.includes(encodeURIComponent(secret)));
}

/** A form or query of password fields under every spelling an app may use, each holding a distinct secret. */
const passwordFields = fc.array(
  fc.tuple(
    fc.constantFrom(...PASSWORD_KEYS),
    fc.constantFrom('plain', 'repeated', 'array', 'nested', 'deep'),
  ),
  // Few enough that the page event's data stays under its 512-character cut: a secret
  // past the cut would be absent anyway and prove nothing.
  { minLength: 1, maxLength: 3 },
);

function encodeFields(fields: Array<[string, string]>, secretOf: () => string): { text: string; secrets: string[] } {
  const secrets: string[] = [];
  const parts: string[] = [];
  for (const [key, spelling] of fields) {
    const secret = secretOf();
    secrets.push(secret);
    const name = { plain: key, repeated: key, array: `${key}[]`, nested: `user[${key}]`, deep: `account[settings][${key}]` }[spelling]!;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(secret)}`);
    if (spelling === 'repeated') {
      const again = secretOf();
      secrets.push(again);
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(again)}`);
    }
  }
  parts.push('note=visible');
  return { text: parts.join('&'), secrets };
}

describe.each(['express', 'express-extended', 'koa'] as const)('password-like fields on %s', (framework) => {
  it('never reach tracking.log or Segment from page events (query and form, any spelling)', async () => {
    const paths = Array.from({ length: 40 }, (_, i) => `/courses/${COURSE}/page/${i}`);
    const s = await site(framework, paths);
    const agent = keepAliveAgent(4);
    const allSecrets: string[] = [];
    let counter = 0;
    const secretOf = () => `pw${framework.length}x${counter++}${randomUUID().slice(0, 8)}`;
    try {
      await fc.assert(
        fc.asyncProperty(passwordFields, passwordFields, fc.nat(39), async (queryFields, formFields, page) => {
          const query = encodeFields(queryFields, secretOf);
          const form = encodeFields(formFields, secretOf);
          allSecrets.push(...query.secrets, ...form.secrets);
          const reply = await send(s.base, {
            method: 'POST',
            path: `${paths[page]}?${query.text}`,
            headers: { cookie: 'user=alice; sid=session-a', 'content-type': 'application/x-www-form-urlencoded' },
            body: form.text,
          }, agent);
          expect(reply.status).toBe(200);
        }),
        { seed: 4242, numRuns: 200 },
      );
    } finally {
      agent.destroy();
      await s.close();
    }
    const left = whatLeft(s);
    const pageEvents = left.log.split('\n').filter((line) => line.includes('/page/'));
    recordFigures(`privacy/page events on ${framework}`, {
      requests: 200,
      secretsSent: allSecrets.length,
      pageEventsLogged: pageEvents.length,
      atSink: s.sink.processed.size,
      secretsInLog: found(left.log, allSecrets).length,
      secretsAtSink: found(left.sink, allSecrets).length,
    });
    expect(pageEvents).toHaveLength(200);
    expect(s.sink.processed.size).toBe(200);
    expect(left.log).toContain('visible');
    expect(pageEvents.every((line) => line.includes('********'))).toBe(true);
    expect(found(left.log, allSecrets)).toEqual([]);
    expect(found(left.sink, allSecrets)).toEqual([]);
  });
});

describe('password-like fields in /event payloads and mobile events', () => {
  const payloadWithPasswords = (secret: string) => ({
    password: `${secret}-1`,
    form: { new_password1: `${secret}-2`, new_password2: `${secret}-2`, fields: [{ old_password: `${secret}-3` }] },
    kept: 'visible',
  });

  it('never reach a backend when PasswordCensorProcessor runs first (as an operator configures it)', async () => {
    const s = await site('express', ['edx.ui.form.submitted', 'edx.mobile.form'], (config) => withRootProcessors(config, [new PasswordCensorProcessor() as unknown as EngineSpec]));
    const secret = `evpw${randomUUID().slice(0, 8)}`;
    try {
      const payload = JSON.stringify(payloadWithPasswords(secret));
      // As a form (the browser Logger) and as JSON.
      await send(s.base, { method: 'POST', path: '/event', headers: { cookie: 'user=alice; sid=s1', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ event_type: 'edx.ui.form.submitted', event: payload, page: 'http://x/' }).toString() });
      await send(s.base, { method: 'POST', path: '/event', headers: { cookie: 'user=alice; sid=s1', 'content-type': 'application/json' }, body: JSON.stringify({ event_type: 'edx.ui.form.submitted', event: payloadWithPasswords(secret) }) });
      await send(s.base, { method: 'GET', path: `/event?${new URLSearchParams({ event_type: 'edx.ui.form.submitted', event: payload })}`, headers: { cookie: 'user=alice; sid=s1' } });
      const mobile = { type: 'track', userId: 42, timestamp: '2014-08-27T16:33:39.215Z', receivedAt: '2014-08-27T16:33:41.100Z', context: { library: { name: 'analytics-ios' } }, properties: { name: 'edx.mobile.form', data: payloadWithPasswords(secret), context: { password: `${secret}-4` } } };
      expect((await send(s.base, { method: 'POST', path: `/segmentio/event?key=${WEBHOOK_SECRET}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(mobile) })).status).toBe(200);
    } finally {
      await s.close();
    }
    const left = whatLeft(s);
    expect(left.log.split('\n').filter(Boolean)).toHaveLength(4);
    expect(s.sink.processed.size).toBe(4);
    expect(left.log).toContain('visible');
    expect(found(left.log, [secret])).toEqual([]);
    expect(found(left.sink, [secret])).toEqual([]);
  });

  // Open edX logs /event payloads as sent; edxDefaults() censors them (censorPasswords, on by default).
  it('never reach a backend with edxDefaults() as it is', async () => {
    const s = await site('express', ['edx.ui.form.submitted']);
    const secret = `dfpw${randomUUID().slice(0, 8)}`;
    try {
      await send(s.base, { method: 'POST', path: '/event', headers: { cookie: 'user=alice; sid=s1', 'content-type': 'application/json' }, body: JSON.stringify({ event_type: 'edx.ui.form.submitted', event: payloadWithPasswords(secret) }) });
    } finally {
      await s.close();
    }
    const left = whatLeft(s);
    expect(found(left.log, [secret])).toEqual([]);
    expect(found(left.sink, [secret])).toEqual([]);
  });
});

describe('server-derived fields', () => {
  const SPOOF = {
    username: 'mallory',
    user_id: '666',
    session: 'deadbeefdeadbeefdeadbeefdeadbeef',
    ip: '6.6.6.6',
    host: 'evil.example',
    agent: 'spoofed-agent',
    event_source: 'server',
    context: '{"user_id":666}',
    time: '1999-01-01T00:00:00',
    name: 'spoofed.name',
    referer: 'http://evil.example/',
  };

  it.each(['express', 'koa'] as const)('cannot be set by the client of /event on %s (query, form or JSON)', async (framework) => {
    const s = await site(framework, ['edx.ui.spoof']);
    const sid = `raw-session-${randomUUID()}`;
    try {
      const params = { ...SPOOF, event_type: 'edx.ui.spoof', event: '{"n":1}' };
      const headers = { cookie: `user=alice; sid=${sid}`, 'user-agent': 'real-agent' };
      await send(s.base, { method: 'GET', path: `/event?${new URLSearchParams(params)}`, headers });
      await send(s.base, { method: 'POST', path: '/event', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
      await send(s.base, { method: 'POST', path: '/event', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...SPOOF, context: { user_id: 666 }, event_type: 'edx.ui.spoof', event: { n: 1 } }) });
    } finally {
      await s.close();
    }
    const events = whatLeft(s).log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event).toMatchObject({ username: 'alice', session: hashSessionKey(SECRET_KEY, sid), ip: '127.0.0.1', host: '127.0.0.1', agent: 'real-agent', referer: '', event_source: 'browser', event_type: 'edx.ui.spoof', name: 'edx.ui.spoof' });
      expect(event.context).toMatchObject({ user_id: 42, path: '/event' });
      expect(event.time).not.toBe(SPOOF.time);
    }
    const atSink = s.sink.messages;
    expect(atSink).toHaveLength(3);
    for (const message of atSink) {
      expect(message.userId).toBe('42');
      expect(message.context).toMatchObject({ ip: '127.0.0.1', userAgent: 'real-agent' });
      expect(message.properties?.context).toMatchObject({ user_id: 42, username: 'alice', session: hashSessionKey(SECRET_KEY, sid) });
    }
  });

  it('cannot be set by a mobile app through properties.context (Segment webhook)', async () => {
    const s = await site('express', ['edx.mobile.spoof']);
    try {
      const message = {
        type: 'track',
        userId: 42,
        timestamp: '2014-08-27T16:33:39.215Z',
        receivedAt: '2014-08-27T16:33:41.100Z',
        context: { library: { name: 'analytics-android' }, userAgent: 'real-app' },
        properties: { name: 'edx.mobile.spoof', data: { n: 1 }, context: { ...SPOOF, user_id: 666, timestamp: '1999-01-01T00:00:00Z', received_at: '1999-01-01T00:00:00Z' } },
      };
      expect((await send(s.base, { method: 'POST', path: `/segmentio/event?key=${WEBHOOK_SECRET}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })).status).toBe(200);
    } finally {
      await s.close();
    }
    const [event] = whatLeft(s).log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    // user, times, event_source and session come from the server, not from the app
    // (Open edX lets properties.context override event_source and session).
    expect(event).toMatchObject({ username: 'alice', event_source: 'mobile', session: '', time: '2014-08-27T16:33:39.215000+00:00' });
    expect(event!.context).toMatchObject({ user_id: 42, received_at: '2014-08-27T16:33:41.100000+00:00' });
    // ip comes from properties.context, as in Open edX (the app reports the device's address).
    expect(event!.ip).toBe(SPOOF.ip);
  });
});

describe('session keys', () => {
  it.each(['express', 'koa'] as const)('are only ever stored hashed (%s): the raw key is in neither tracking.log nor Segment', async (framework) => {
    const paths = ['/courses/a/page', '/dashboard'];
    const s = await site(framework, [...paths, 'edx.ui.s']);
    const sessions = Array.from({ length: 20 }, () => `rawsid-${randomUUID()}`);
    try {
      for (const [i, sid] of sessions.entries()) {
        const headers = { cookie: `user=${i % 2 ? 'alice' : 'bob'}; sid=${sid}` };
        await send(s.base, { path: paths[i % 2]!, headers });
        await send(s.base, { path: `/event?event_type=edx.ui.s&event=%7B%7D`, headers });
      }
    } finally {
      await s.close();
    }
    const left = whatLeft(s);
    const hashes = sessions.map((sid) => hashSessionKey(SECRET_KEY, sid));
    const events = left.log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { session: string });
    expect(events).toHaveLength(40);
    expect(new Set(events.map((e) => e.session))).toEqual(new Set(hashes));
    expect(events.every((e) => /^[0-9a-f]{32}$/.test(e.session))).toBe(true);
    expect(found(left.log, sessions)).toEqual([]);
    expect(found(left.sink, sessions)).toEqual([]);
    expect(s.sink.processed.size).toBe(40);
    recordFigures(`privacy/session keys on ${framework}`, { sessions: sessions.length, events: events.length, rawKeysInLog: 0, rawKeysAtSink: 0 });
  });
});

describe('RedactProcessor on a chosen branch', () => {
  const SALT = 'redact-salt-0123456789';
  const hmac = (value: string) => createHmac('sha256', SALT).update(value).digest('hex');

  /** edxDefaults with `processors` first on the segmentio branch. */
  const onSegment = (processors: unknown[]) => (config: TrackerConfig): TrackerConfig => {
    const segmentio = config.backends!.segmentio as EngineSpec;
    const options = segmentio.options as { processors: unknown[] };
    return { ...config, backends: { ...config.backends, segmentio: { ...segmentio, options: { ...options, processors: [...processors, ...options.processors] } } } };
  };

  it('hashes the username and drops the IP address and user agent of events sent to Segment, while tracking.log keeps them', async () => {
    const s = await site('express', ['/courses/x/redact'], onSegment([
      new RedactProcessor({ fields: ['context.username'], mode: 'hash', salt: SALT }),
      new RedactProcessor({ fields: ['context.ip', 'context.agent'] }),
    ]));
    try {
      await send(s.base, { path: '/courses/x/redact', headers: { cookie: 'user=alice; sid=s1', 'user-agent': 'agent-to-drop', 'x-forwarded-for': '203.0.113.9' } });
    } finally {
      await s.close();
    }
    const [logged] = whatLeft(s).log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    expect(logged).toMatchObject({ username: 'alice', ip: '203.0.113.9', agent: 'agent-to-drop' });
    const [message] = s.sink.messages;
    expect(message!.properties!.context.username).toBe(hmac('alice'));
    expect(message!.properties!.context).not.toHaveProperty('ip');
    expect(message!.properties!.context).not.toHaveProperty('agent');
    // The Segment context is built from the redacted event: no ip, no userAgent either.
    expect(message!.context).not.toHaveProperty('ip');
    expect(message!.context).not.toHaveProperty('userAgent');
    const raw = whatLeft(s).sink;
    expect(raw).not.toContain('agent-to-drop');
    expect(raw).not.toContain('"alice"');
  });

  it('can be named in configuration data (engine RedactProcessor / PasswordCensorProcessor)', () => {
    const build = () =>
      createTracker(
        onSegment([{ engine: 'RedactProcessor', options: { fields: ['context.ip'] } }])(
          withRootProcessors(edxDefaults({ segment: { writeKey: 'k', whitelist: ['x'] } }), [{ engine: 'PasswordCensorProcessor' }]),
        ),
      );
    expect(build).not.toThrow();
  });

  it('works from configuration data', async () => {
    const s = await site('express', ['/courses/x/config'], (config) =>
      onSegment([{ engine: 'RedactProcessor', options: { fields: ['context.username'], mode: 'hash', salt: SALT } }])(withRootProcessors(config, [{ engine: 'PasswordCensorProcessor' }])),
    );
    try {
      await send(s.base, { path: '/courses/x/config?password=hunter2', headers: { cookie: 'user=alice; sid=s1' } });
    } finally {
      await s.close();
    }
    expect(s.sink.messages[0]!.properties!.context.username).toBe(hmac('alice'));
    expect(whatLeft(s).log).not.toContain('hunter2');
  });
});
