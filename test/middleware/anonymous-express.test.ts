// Open edX's anonymous semantics with real express-session (MemoryStore) and real
// Passport, on Express 5 and Express 4 (EDX-BEHAVIOR §1.2, §1.3, §3.2, §6):
// - `session`: Django's `session_key` is None until the session is saved, so a session
//   the client did not present has no key (`session: ''`), whether express-session
//   saves it at the end (`saveUninitialized: true`) or not; the cookie of a stored
//   session gives the hash of its key.
// - the user: with Passport and nobody signed in, Django's AnonymousUser:
//   `user_id: null`, `username: ''` in the context, `''` in /event and serverTrack.
import type { RequestListener } from 'node:http';
import express from 'express';
import express4 from 'express4';
import session from 'express-session';
import { Passport } from 'passport';
import request from 'supertest';
import { serverTrack, type TrackedEvent } from '../../src';
import { trackMiddleware, userTrackHandler, type ExpressRequest } from '../../src/express';
import { hashSessionKey } from '../../src/request/session';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { pageEventsOf, SECRET_KEY } from '../http/helpers';

interface User {
  id: number;
  username: string;
}
const USERS = new Map<number, User>([[7, { id: 7, username: 'alice' }]]);
const COOKIE_SECRET = 'cookie-signing-secret';

type ExpressModule = typeof express;

/**
 * An app with express-session (MemoryStore), Passport (initialize + session, users
 * kept by id), trackMiddleware, /event, and routes answering the session id:
 * `/page` (reads nothing), `/cart` (an anonymous visitor stores something: the session
 * is saved), `/signin` (Passport's req.login: the session is regenerated and saved),
 * `/logout`, and `/server` (serverTrack with the real request).
 */
function app(ex: ExpressModule, saveUninitialized: boolean): { app: RequestListener; store: session.MemoryStore } {
  const store = new session.MemoryStore();
  const auth = new Passport();
  auth.serializeUser((user, done) => done(null, (user as User).id));
  auth.deserializeUser((id: number, done) => done(null, USERS.get(id) ?? false));
  const a = ex();
  a.use(session({ secret: COOKIE_SECRET, resave: false, saveUninitialized, store }));
  a.use(auth.initialize());
  a.use(auth.session());
  a.use(trackMiddleware({ secretKey: SECRET_KEY }));
  const answer = (req: express.Request, res: express.Response) => res.send(req.sessionID);
  a.get('/page', answer);
  a.get('/cart', (req, res) => {
    (req.session as unknown as { cart: number }).cart = 1;
    answer(req, res);
  });
  a.get('/signin', (req, res, next) => req.login(USERS.get(7)!, (error) => (error ? next(error) : answer(req, res))));
  a.get('/logout', (req, res, next) => req.logout((error) => (error ? next(error) : answer(req, res))));
  a.get('/server', (req, res) => {
    serverTrack(req, 'edx.server.thing', {});
    answer(req, res);
  });
  a.all('/event', userTrackHandler());
  return { app: a, store };
}

describe.each([
  ['Express 5', express],
  ['Express 4', express4 as unknown as ExpressModule],
])('anonymous visitors with express-session and Passport on %s', (_name, ex) => {
  let capture: EventCapture;
  let emitWarning: jest.SpyInstance;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    emitWarning.mockRestore();
    capture.restore();
  });

  const pageEvent = (path: string): TrackedEvent => {
    const events = pageEventsOf(capture).filter((event) => event.name === path);
    expect(events).toHaveLength(1);
    return events[0]!;
  };
  const fields = (event: TrackedEvent | undefined) => {
    const { session: key, user_id: userId, username } = event?.context ?? {};
    return { session: key, user_id: userId, username };
  };

  describe.each([false, true])('saveUninitialized: %s', (saveUninitialized) => {
    it("gives session '' to three anonymous hits without a cookie (each gets a new, unsaved session id)", async () => {
      const { app: a } = app(ex, saveUninitialized);
      const ids = new Set<string>();
      for (let i = 0; i < 3; i++) ids.add((await request(a).get('/page').expect(200)).text);
      expect(ids.size).toBe(3);
      expect(pageEventsOf(capture).map(fields)).toEqual(Array(3).fill({ session: '', user_id: null, username: '' }));
    });

    it('gives the hash of the key to a client presenting the cookie of a stored session', async () => {
      const { app: a, store } = app(ex, saveUninitialized);
      const agent = request.agent(a);
      const id = (await agent.get('/cart').expect(200)).text;
      await new Promise<void>((resolve, reject) => store.get(id, (error, stored) => (error ? reject(error) : stored ? resolve() : reject(new Error('not stored')))));
      const again = (await agent.get('/page').expect(200)).text;
      expect(again).toBe(id);
      // The request that created the session did not present it: no key yet.
      expect(fields(pageEvent('/cart')).session).toBe('');
      expect(fields(pageEvent('/page'))).toEqual({ session: hashSessionKey(SECRET_KEY, id), user_id: null, username: '' });
    });

    it("gives session '' to a cookie whose session the store does not have, or whose signature is wrong", async () => {
      const { app: a, store } = app(ex, saveUninitialized);
      const agent = request.agent(a);
      const id = (await agent.get('/cart').expect(200)).text;
      await new Promise<void>((resolve) => store.destroy(id, () => resolve()));
      await agent.get('/page').expect(200);
      await request(a).get('/page').set('Cookie', `connect.sid=${encodeURIComponent(`s:${id}.forged-signature`)}`).expect(200);
      expect(pageEventsOf(capture).filter((event) => event.name === '/page').map((event) => event.context?.session)).toEqual(['', '']);
    });

    it("names the signed-in user in every event, and the session Passport's login saved", async () => {
      const { app: a } = app(ex, saveUninitialized);
      const agent = request.agent(a);
      const id = (await agent.get('/signin').expect(200)).text;
      await agent.get('/server').expect(200, id);
      await agent.post('/event').type('form').send({ event_type: 'browser.thing', event: '{}' }).expect(200, 'success');
      const signedIn = { session: hashSessionKey(SECRET_KEY, id), user_id: 7, username: 'alice' };
      expect(fields(pageEvent('/signin'))).toEqual({ session: '', user_id: null, username: '' });
      expect(fields(pageEvent('/server'))).toEqual(signedIn);
      expect(fields(capture.events.find((event) => event.name === 'edx.server.thing'))).toEqual(signedIn);
      expect(fields(capture.events.find((event) => event.name === 'browser.thing'))).toEqual(signedIn);
    });

    it("writes username '' (not 'anonymous') in /event and serverTrack for an anonymous visitor, as Open edX with its auth middleware", async () => {
      const { app: a } = app(ex, saveUninitialized);
      const agent = request.agent(a);
      const id = (await agent.get('/signin').expect(200)).text;
      await agent.get('/logout').expect(200);
      await agent.get('/server').expect(200);
      await agent.post('/event').type('form').send({ event_type: 'browser.thing', event: '{}' }).expect(200, 'success');
      const anonymous = { user_id: null, username: '' };
      expect(fields(pageEvent('/logout'))).toEqual({ session: hashSessionKey(SECRET_KEY, id), user_id: 7, username: 'alice' });
      expect(fields(capture.events.find((event) => event.name === 'edx.server.thing'))).toMatchObject(anonymous);
      expect(fields(capture.events.find((event) => event.name === 'browser.thing'))).toMatchObject(anonymous);
      expect(fields(pageEvent('/server'))).toMatchObject(anonymous);
    });
  });

  it('keeps getSessionKey as the override', async () => {
    const a = ex();
    a.use(session({ secret: COOKIE_SECRET, resave: false, saveUninitialized: false }));
    a.use(trackMiddleware({ secretKey: SECRET_KEY, getSessionKey: (req: ExpressRequest) => req.sessionID }));
    a.get('/page', (req, res) => res.send(req.sessionID));
    const id = (await request(a).get('/page').expect(200)).text;
    expect(pageEventsOf(capture)[0]?.context?.session).toBe(hashSessionKey(SECRET_KEY, id));
  });
});
