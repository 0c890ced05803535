// userTrackHandler's cross-origin check (refuseCrossOrigin, allowedOrigins), on Express
// 5, Express 4, Koa 3 and Koa 2: the headers a browser sends for a request another site's
// page made (Sec-Fetch-Site, Origin), and those of requests it must keep accepting (its
// own pages, the user typing the URL, clients that are no browser). What Chromium really
// sends, fetch and beacons alike, is in test/browser/cross-origin.test.ts.
import request from 'supertest';
import { captureEvents, type EventCapture } from '../../src/testing';
import { eventApp, FRAMEWORKS, type Framework, type UserTrackOptions } from '../http/frameworks';

const HOST = 'lms.example.com';
const OWN = `https://${HOST}`;
const MFE = 'https://apps.example.com';
const EVIL = 'https://evil.example';
/** What a cross-site form or `fetch(..., { mode: 'no-cors' })` can post without a preflight. */
const FORGED_BODY = 'event_type=edx.forged&event=%7B%22n%22%3A1%7D';

describe.each(FRAMEWORKS)('userTrackHandler cross-origin check on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents();
  });
  afterEach(() => capture.restore());

  /** POSTs a form-encoded event as `text/plain` (what a cross-site form can send) with `headers`; the answer. */
  function post(options: UserTrackOptions, headers: Record<string, string>) {
    return request(eventApp(fw, options)).post('/event').set({ Host: HOST, 'Content-Type': 'text/plain', ...headers }).send(FORGED_BODY);
  }

  /** The names of the events captured. */
  const names = () => capture.events.map((event) => event.name);

  describe('on by default', () => {
    it.each([
      ['Sec-Fetch-Site: cross-site, Origin: another site', { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL }, `Sec-Fetch-Site is 'cross-site' and Origin '${EVIL}' is not in allowedOrigins`],
      ['Sec-Fetch-Site: same-site, Origin: a sibling site', { 'Sec-Fetch-Site': 'same-site', Origin: MFE }, `Sec-Fetch-Site is 'same-site' and Origin '${MFE}' is not in allowedOrigins`],
      ['Sec-Fetch-Site: cross-site without Origin', { 'Sec-Fetch-Site': 'cross-site' }, "Sec-Fetch-Site is 'cross-site' and there is no Origin"],
      ['an unknown Sec-Fetch-Site value', { 'Sec-Fetch-Site': 'cross-galaxy', Origin: OWN }, `Sec-Fetch-Site is 'cross-galaxy' and Origin '${OWN}' is not in allowedOrigins`],
      ['no Sec-Fetch-Site, Origin: another site (an older browser)', { Origin: EVIL }, `Origin '${EVIL}' is neither this host ('${HOST}') nor in allowedOrigins`],
      ["no Sec-Fetch-Site, Origin: null (a sandboxed page's)", { Origin: 'null' }, `Origin 'null' is neither this host ('${HOST}') nor in allowedOrigins`],
    ])('refuses %s with a 403 saying why, and records nothing', async (_case, headers, reason) => {
      const answer = await post({}, headers);
      expect([answer.status, answer.text]).toEqual([403, `cross-origin request refused: ${reason}`]);
      expect(capture.events).toEqual([]);
    });

    it('refuses a cross-site GET (an image pointing at /event) too', async () => {
      await request(eventApp(fw)).get('/event?event_type=edx.forged').set({ Host: HOST, 'Sec-Fetch-Site': 'cross-site' }).expect(403);
      expect(capture.events).toEqual([]);
    });

    it.each([
      ['Sec-Fetch-Site: same-origin', { 'Sec-Fetch-Site': 'same-origin', Origin: OWN }],
      ['Sec-Fetch-Site: same-origin, Origin: null (a page with Referrer-Policy: no-referrer)', { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }],
      ['Sec-Fetch-Site: none (the user typed the URL)', { 'Sec-Fetch-Site': 'none' }],
      ['neither header (curl, a server, a test)', {}],
      ['no Sec-Fetch-Site, Origin: this host (an older browser)', { Origin: OWN }],
      ['no Sec-Fetch-Site, Origin: this host over http (a proxy ends TLS: the scheme is not compared)', { Origin: `http://${HOST}` }],
      ['no Sec-Fetch-Site, Origin: the host a proxy names in X-Forwarded-Host', { Origin: OWN, Host: 'app:3000', 'X-Forwarded-Host': HOST }],
    ])('accepts %s', async (_case, headers) => {
      const answer = await post({}, headers);
      expect([answer.status, answer.text]).toEqual([200, 'success']);
      expect(names()).toEqual(['edx.forged']);
    });

    it('compares the port of an Origin without Sec-Fetch-Site', async () => {
      await post({}, { Origin: `${OWN}:8443` }).expect(403);
      await post({}, { Origin: `${OWN}:8443`, Host: `${HOST}:8443` }).expect(200);
    });
  });

  describe('allowedOrigins', () => {
    const options = { allowedOrigins: [MFE, 'http://localhost:8080/'] };

    it.each([
      ['a same-site origin in the list', { 'Sec-Fetch-Site': 'same-site', Origin: MFE }],
      ['a cross-site origin in the list (written with a trailing slash)', { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://localhost:8080' }],
      ['an origin in the list, no Sec-Fetch-Site', { Origin: MFE }],
      ['the own origin, always', { 'Sec-Fetch-Site': 'same-origin', Origin: OWN }],
    ])('accepts %s', async (_case, headers) => {
      await post(options, headers).expect(200, 'success');
      expect(names()).toEqual(['edx.forged']);
    });

    it('refuses the origins it does not list', async () => {
      const answer = await post(options, { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL });
      expect([answer.status, answer.text]).toEqual([403, `cross-origin request refused: Sec-Fetch-Site is 'cross-site' and Origin '${EVIL}' is not in allowedOrigins`]);
      await post(options, { 'Sec-Fetch-Site': 'same-site', Origin: 'https://other.example.com' }).expect(403);
      expect(capture.events).toEqual([]);
    });
  });

  describe('refuseCrossOrigin: false', () => {
    it('accepts a cross-site text/plain POST, as before the check existed', async () => {
      await post({ refuseCrossOrigin: false }, { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL }).expect(200, 'success');
      expect(names()).toEqual(['edx.forged']);
    });
  });

  it('answers a method it refuses with 405, before the origin is looked at', async () => {
    await request(eventApp(fw)).put('/event').set({ 'Sec-Fetch-Site': 'cross-site', Origin: EVIL }).expect(405);
  });
});
