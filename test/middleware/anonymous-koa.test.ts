// Open edX's anonymous semantics with real koa-session, on Koa 3 and Koa 2
// (EDX-BEHAVIOR §1.2, §1.3, §3.2): a session the client did not present has no key
// (`session: ''`); the cookie of a session kept in the store gives the hash of the
// store's key; cookie-only sessions have no key at all. With koa-passport's shape
// (`ctx.state.user`, `ctx.isAuthenticated`; a stand-in, as koa-passport is not a
// dependency) and nobody signed in, the visitor is Django's AnonymousUser.
import type { RequestListener } from 'node:http';
import Koa from 'koa';
import { createSession } from 'koa-session';
import koaSession6 = require('koa-session6');
import request from 'supertest';
import type { TrackedEvent } from '../../src';
import { trackMiddleware, userTrackHandler, type KoaContext } from '../../src/koa';
import { hashSessionKey } from '../../src/request/session';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { KOA_FRAMEWORKS } from '../http/frameworks';
import { pageEventsOf, SECRET_KEY } from '../http/helpers';

/** A koa-session store kept in a Map, as a Redis store would keep it. */
class MapStore {
  readonly sessions = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    return this.sessions.get(key);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.sessions.set(key, value);
  }
  async destroy(key: string): Promise<void> {
    this.sessions.delete(key);
  }
}

type KoaClass = typeof Koa;
type SessionMiddlewareFactory = (options: Record<string, unknown>, app: Koa) => Koa.Middleware;

/** koa-session 7 marks a loaded session `isNew: false`; koa-session 6 leaves `isNew` unset on it. */
const SESSION_VERSIONS: ReadonlyArray<[string, SessionMiddlewareFactory]> = [
  ['koa-session 7', (options, app) => createSession(options, app as never) as unknown as Koa.Middleware],
  ['koa-session 6', koaSession6],
];

/**
 * An app with koa-session (with `store`, or cookie-only), a koa-passport stand-in
 * (the user id kept in the session; `ctx.isAuthenticated` always there), trackMiddleware,
 * /event, and routes: `/page` (reads nothing; answers the session's store key when there
 * is a store), `/cart` (stores something: the session is saved), `/signin` (signs alice in).
 */
function app(KoaCtor: KoaClass, makeSession: SessionMiddlewareFactory, store: MapStore | undefined, sessionOptions: Record<string, unknown> = {}): RequestListener {
  const a = new KoaCtor();
  a.keys = ['cookie-signing-secret'];
  a.use(makeSession({ ...(store ? { store } : {}), ...sessionOptions }, a as unknown as Koa));
  a.use(async (ctx, next) => {
    const context = ctx as unknown as { isAuthenticated: () => boolean; session: { userId?: number } | null };
    context.isAuthenticated = () => ctx.state.user !== undefined;
    if (store && context.session?.userId === 7) ctx.state.user = { id: 7, username: 'alice' };
    await next();
  });
  a.use(trackMiddleware({ secretKey: SECRET_KEY }));
  const event = userTrackHandler();
  a.use(async (ctx, next) => {
    const session = () => ctx.session as unknown as { externalKey?: string; cart?: number; userId?: number };
    if (ctx.path === '/event') return event(ctx as unknown as KoaContext, next);
    if (ctx.path === '/cart') session().cart = 1;
    if (ctx.path === '/signin') session().userId = 7;
    ctx.body = store ? session().externalKey : 'ok';
  });
  return a.callback();
}

const COMBINATIONS = KOA_FRAMEWORKS.flatMap(([koaName, KoaCtor]) =>
  SESSION_VERSIONS.map(([sessionName, makeSession]) => [`${sessionName} on ${koaName}`, KoaCtor, makeSession] as const),
);

describe.each(COMBINATIONS)('anonymous visitors with %s', (_name, KoaCtor, makeSession) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  const fields = (event: TrackedEvent | undefined) => {
    const { session: key, user_id: userId, username } = event?.context ?? {};
    return { session: key, user_id: userId, username };
  };
  const pageFields = (path: string) => pageEventsOf(capture).filter((event) => event.name === path).map(fields);

  describe('with a store', () => {
    it("gives session '' and the anonymous visitor to three hits without a cookie", async () => {
      const a = app(KoaCtor, makeSession, new MapStore());
      for (let i = 0; i < 3; i++) await request(a).get('/page').expect(200);
      expect(pageFields('/page')).toEqual(Array(3).fill({ session: '', user_id: null, username: '' }));
    });

    it('gives the hash of the store key to a client presenting the cookie of a stored session', async () => {
      const store = new MapStore();
      const agent = request.agent(app(KoaCtor, makeSession, store));
      const key = (await agent.get('/cart').expect(200)).text;
      expect(store.sessions.has(key)).toBe(true);
      expect((await agent.get('/page').expect(200)).text).toBe(key);
      expect(pageFields('/cart')).toEqual([{ session: '', user_id: null, username: '' }]);
      expect(pageFields('/page')).toEqual([{ session: hashSessionKey(SECRET_KEY, key), user_id: null, username: '' }]);
    });

    it("gives session '' to the cookie of a session the store no longer has", async () => {
      const store = new MapStore();
      const agent = request.agent(app(KoaCtor, makeSession, store));
      const key = (await agent.get('/cart').expect(200)).text;
      store.destroy(key);
      await agent.get('/page').expect(200);
      expect(pageFields('/page')).toEqual([{ session: '', user_id: null, username: '' }]);
    });

    it('names the signed-in user in the page event and /event, with the session key', async () => {
      const store = new MapStore();
      const agent = request.agent(app(KoaCtor, makeSession, store));
      const key = (await agent.get('/signin').expect(200)).text;
      await agent.get('/page').expect(200);
      await agent.post('/event').type('form').send({ event_type: 'browser.thing', event: '{}' }).expect(200, 'success');
      const signedIn = { session: hashSessionKey(SECRET_KEY, key), user_id: 7, username: 'alice' };
      expect(pageFields('/page')).toEqual([signedIn]);
      expect(fields(capture.events.find((event) => event.name === 'browser.thing'))).toEqual(signedIn);
    });

    it("writes username '' in /event for an anonymous visitor", async () => {
      await request(app(KoaCtor, makeSession, new MapStore())).post('/event').type('form').send({ event_type: 'browser.thing' }).expect(200, 'success');
      expect(fields(capture.getEvent())).toEqual({ session: '', user_id: null, username: '' });
    });
  });

  describe('cookie-only sessions (no store)', () => {
    it("give session '': the session has no key", async () => {
      const agent = request.agent(app(KoaCtor, makeSession, undefined));
      await agent.get('/cart').expect(200);
      await agent.get('/page').expect(200);
      expect(pageEventsOf(capture).map((event) => event.context?.session)).toEqual(['', '']);
    });

    it('are not read by trackMiddleware, so a rolling session is not re-saved on a request that does not use it', async () => {
      const agent = request.agent(app(KoaCtor, makeSession, undefined, { rolling: true }));
      const first = await agent.get('/cart').expect(200);
      expect(String(first.headers['set-cookie'])).toMatch(/koa\.sess=/);
      const second = await agent.get('/page').expect(200);
      expect(second.headers['set-cookie']).toBeUndefined();
    });
  });
});
