// One user per request (EDX-BEHAVIOR §1.2, §3.2, §6): the user trackMiddleware
// resolved is the user of every event of the request — the page event, /event and
// serverTrack — so that `user_id` and `username` of one event describe one user; an
// endpoint's own `getUser` still wins. With an authentication layer and nobody signed
// in, the visitor is Django's AnonymousUser (`user_id: null`, `username: ''`); with no
// user object at all, `user_id: ''`, `username: ''`, and `'anonymous'` in the views.
// On Express 5, Express 4, Koa 3 and Koa 2; real Passport in its own suite.
import request from 'supertest';
import { serverTrack, type TrackedEvent } from '../../src';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, withUser, type Framework, type Step, type TrackOptions, type UserTrackOptions } from '../http/frameworks';
import { pageEventsOf } from '../http/helpers';

const COURSE_PATH = '/courses/org/c/r/server';

describe.each(FRAMEWORKS)('the user of a request on %s', (_name, fw: Framework) => {
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

  /**
   * An app with the /event endpoint and a route calling serverTrack with the framework's
   * request (which has no `user` when the user comes from getUser). Requests
   * /courses/... (page event + server event) and POSTs /event; returns the
   * `[user_id, username]` of the page event, the server event and the browser event.
   */
  async function usersOfEvents(track: TrackOptions, before: Step[] = [], eventOptions: UserTrackOptions = {}): Promise<Record<string, unknown[]>> {
    const app = fw.app({
      before,
      track,
      routes: [
        { method: 'ALL', path: '/event', userTrack: eventOptions },
        {
          method: 'GET',
          path: COURSE_PATH,
          handler: (req) => {
            serverTrack(req, 'edx.server.thing', { ok: true });
            return 'ok';
          },
        },
      ],
    });
    await request(app).get(COURSE_PATH).expect(200, 'ok');
    await request(app).post('/event').type('form').send({ event_type: 'browser.thing', event: '{}' }).expect(200, 'success');
    const pair = (event: TrackedEvent | undefined) => [event?.context?.user_id, event?.context?.username];
    const named = (name: string) => capture.events.find((event) => event.name === name);
    expect(pageEventsOf(capture).map((event) => event.name)).toEqual([COURSE_PATH, 'edx.server.thing']);
    return { page: pair(named(COURSE_PATH)), server: pair(named('edx.server.thing')), browser: pair(named('browser.thing')) };
  }

  it("uses trackMiddleware's getUser for the page event, serverTrack and /event alike", async () => {
    const users = await usersOfEvents({ getUser: () => ({ id: 99, username: 'alice' }) });
    expect(users).toEqual({ page: [99, 'alice'], server: [99, 'alice'], browser: [99, 'alice'] });
  });

  it(`uses ${fw.names.user} (Passport's user) for every event`, async () => {
    const users = await usersOfEvents({}, [withUser({ id: 7, username: 'dana' })]);
    expect(users).toEqual({ page: [7, 'dana'], server: [7, 'dana'], browser: [7, 'dana'] });
  });

  it("gives Django's AnonymousUser (user_id null, username '') to every event when getUser finds nobody", async () => {
    const users = await usersOfEvents({ getUser: () => null });
    expect(users).toEqual({ page: [null, ''], server: [null, ''], browser: [null, ''] });
  });

  it("gives user_id '' and username 'anonymous' in the views when there is no user object at all (no auth layer)", async () => {
    const users = await usersOfEvents({});
    expect(users).toEqual({ page: ['', 'anonymous'], server: ['', 'anonymous'], browser: ['', 'anonymous'] });
  });

  it("lets /event's own getUser name another user (it wins over trackMiddleware's), user_id and username alike", async () => {
    const users = await usersOfEvents({ getUser: () => ({ id: 99, username: 'alice' }) }, [], { getUser: () => ({ id: 5, username: 'bob' }) });
    expect(users.browser).toEqual([5, 'bob']);
    expect(users.page).toEqual([99, 'alice']);
  });

  it("takes an endpoint's getUser that finds nobody as an anonymous visitor", async () => {
    const users = await usersOfEvents({}, [], { getUser: () => undefined });
    expect(users.browser).toEqual([null, '']);
  });

  it('resolves the user once per request, for every event of the request', async () => {
    let calls = 0;
    await usersOfEvents({
      getUser: () => {
        calls++;
        return { id: 1, username: 'once' };
      },
    });
    expect(calls).toBe(2); // one per request: the course page and /event
  });
});
