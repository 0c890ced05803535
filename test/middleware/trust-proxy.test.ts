// trackMiddleware's `trustProxy` over real connections, on Express 5, Express 4, Koa 3
// and Koa 2. The server listens on '::' and the requests really come from different
// loopback addresses: 127.0.0.2 plays the proxy and 127.0.0.3 a client reaching the app
// directly (the server sees them as ::ffff:127.0.0.2 and ::ffff:127.0.0.3), ::1 an IPv6
// proxy. So the address checks of the trusted-proxy list and of the frameworks' own
// settings run on the socket's real peer, not on a stand-in.
import { Agent } from 'node:http';
import { captureEvents, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, probe, trackedApp, type Framework, type TrackOptions } from '../http/frameworks';
import { contextOf, listen, send } from '../http/helpers';

const PROXY = '127.0.0.2';
const CLIENT = '127.0.0.3';
/** What a client writes to pass for someone else: a public address. */
const SPOOF = '8.8.8.8';
/** The client's real, public address, as a proxy appends it. */
const REAL = '93.184.216.34';
/** The client's real address on a private network, as a proxy writes it. */
const REAL_PRIVATE = '192.168.1.20';

/** The headers besides X-Forwarded-For that Open edX's reading believes. */
const OTHER_HEADERS = ['Client-IP', 'X-Real-IP', 'X-Forwarded', 'X-Cluster-Client-IP', 'Forwarded-For', 'Forwarded', 'Via'];

describe.each(FRAMEWORKS)('trustProxy on %s, over real connections', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents();
  });
  afterEach(() => capture.restore());

  /**
   * The `ip` of an event emitted in a request sent from `from` (a local address) with
   * `headers`, to an app with `track` options (and the framework's own proxy setting).
   */
  async function ipOf(track: TrackOptions, from: string, headers: Record<string, string>, frameworkProxy?: { express: unknown; koaMaxIpsCount: number }): Promise<unknown> {
    const server = await listen(fw.app({ track, frameworkProxy, routes: [{ handler: probe }] }), '::');
    const agent = new Agent(from === '::1' ? {} : { localAddress: from });
    try {
      const url = from === '::1' ? server.url.replace('127.0.0.1', '[::1]') : server.url;
      capture.reset();
      const answer = await send(`${url}/courses/`, { headers, agent });
      expect(answer.status).toBe(200);
      return contextOf(capture).ip;
    } finally {
      agent.destroy();
      await server.close();
    }
  }

  const noProxy = { from: CLIENT, headers: { 'X-Forwarded-For': SPOOF } };
  const appendingProxy = { from: PROXY, headers: { 'X-Forwarded-For': `${SPOOF}, ${REAL}` } };
  const viaOtherHeader = (header: string) => ({ from: PROXY, headers: { 'X-Forwarded-For': REAL_PRIVATE, [header]: SPOOF } });

  describe('left out (Open edX, EDX-BEHAVIOR 1.4): the client chooses its ip', () => {
    it('without a proxy, X-Forwarded-For is believed', async () => {
      expect(await ipOf({}, noProxy.from, noProxy.headers)).toBe(SPOOF);
    });

    it("behind an appending proxy, the client's left-most entry wins", async () => {
      expect(await ipOf({}, appendingProxy.from, appendingProxy.headers)).toBe(SPOOF);
    });

    it.each(OTHER_HEADERS)('a public %s outranks the private address an overwriting proxy wrote', async (header) => {
      const { from, headers } = viaOtherHeader(header);
      expect(await ipOf({}, from, headers)).toBe(SPOOF);
    });
  });

  describe('false: the socket peer, no header read', () => {
    const cases: Array<[string, { from: string; headers: Record<string, string> }, string]> = [
      ['a client alone', noProxy, CLIENT],
      ['a proxy', appendingProxy, PROXY],
      ...OTHER_HEADERS.map((header): [string, { from: string; headers: Record<string, string> }, string] => [`a proxy, with ${header}`, viaOtherHeader(header), PROXY]),
    ];
    it.each(cases)('%s: the peer address', async (_case, { from, headers }, ip) => {
      expect(await ipOf({ trustProxy: false }, from, headers)).toBe(ip);
    });
  });

  describe('a number of proxies', () => {
    it("1: the entry the proxy appended, not the client's", async () => {
      expect(await ipOf({ trustProxy: 1 }, appendingProxy.from, appendingProxy.headers)).toBe(REAL);
    });

    it.each(OTHER_HEADERS)('1: %s is not read, and the private address the proxy wrote is kept', async (header) => {
      const { from, headers } = viaOtherHeader(header);
      expect(await ipOf({ trustProxy: 1 }, from, headers)).toBe(REAL_PRIVATE);
    });

    it('2: past two proxies (an outer one at 10.1.2.3 appended the client)', async () => {
      expect(await ipOf({ trustProxy: 2 }, PROXY, { 'X-Forwarded-For': `${SPOOF}, ${REAL}, 10.1.2.3` })).toBe(REAL);
    });

    it('counts hops, not addresses: a client reaching the app directly is taken for the proxy (use a list then)', async () => {
      expect(await ipOf({ trustProxy: 1 }, noProxy.from, noProxy.headers)).toBe(SPOOF);
    });
  });

  describe("a list of the proxies' addresses and ranges", () => {
    it.each([[[PROXY]], [[`::ffff:${PROXY}`]], [[`${PROXY}/32`]], [['::ffff:127.0.0.2/128']]])(
      '%j: a client reaching the app directly gets its own address, whatever it writes',
      async (trustProxy) => {
        expect(await ipOf({ trustProxy }, noProxy.from, noProxy.headers)).toBe(CLIENT);
      },
    );

    it.each([[[PROXY]], [[`::ffff:${PROXY}`]], [['127.0.0.2/31']]])("%j: behind the proxy, the entry it appended, not the client's", async (trustProxy) => {
      expect(await ipOf({ trustProxy }, appendingProxy.from, appendingProxy.headers)).toBe(REAL);
    });

    it.each(OTHER_HEADERS)('%s is not read, and the private address the proxy wrote is kept', async (header) => {
      const { from, headers } = viaOtherHeader(header);
      expect(await ipOf({ trustProxy: [PROXY] }, from, headers)).toBe(REAL_PRIVATE);
    });

    it('walks past a trusted range (10.0.0.0/8) to the first untrusted address', async () => {
      expect(await ipOf({ trustProxy: ['10.0.0.0/8', PROXY] }, PROXY, { 'X-Forwarded-For': `${SPOOF}, ${REAL}, 10.1.2.3` })).toBe(REAL);
    });

    it('stops at an address it does not trust: what came before it is not believed', async () => {
      expect(await ipOf({ trustProxy: [PROXY] }, PROXY, { 'X-Forwarded-For': `${SPOOF}, ${REAL}, 10.1.2.3` })).toBe('10.1.2.3');
    });

    it('trusts an IPv6 proxy (::1) and finds an IPv6 client', async () => {
      expect(await ipOf({ trustProxy: ['::1'] }, '::1', { 'X-Forwarded-For': `${SPOOF}, 2a00:1450:4001:80b::200e` })).toBe('2a00:1450:4001:80b::200e');
      expect(await ipOf({ trustProxy: [PROXY] }, '::1', { 'X-Forwarded-For': SPOOF })).toBe('::1');
    });
  });

  // Hono computes no client address of its own: its trustProxy takes no framework name
  // (options.test.ts), so these cases do not apply to it and are not declared for it.
  const frameworkSetting = fw.kind === 'hono' ? (_title: string, _cases: () => void) => undefined : describe;
  frameworkSetting("the framework's own setting", () => {
    // Express and Fastify (proxy-addr): trust proxy = the proxy's address; Koa: app.proxy with maxIpsCount 1 (Koa has no address check).
    const setting = { express: PROXY, koaMaxIpsCount: 1 };

    it("behind the proxy, the entry it appended, not the client's", async () => {
      expect(await ipOf({ trustProxy: 'framework' }, appendingProxy.from, appendingProxy.headers, setting)).toBe(REAL);
    });

    it.each(OTHER_HEADERS)('%s is not read', async (header) => {
      const { from, headers } = viaOtherHeader(header);
      expect(await ipOf({ trustProxy: 'framework' }, from, headers, setting)).toBe(REAL_PRIVATE);
    });

    it(
      fw.kind !== 'koa'
        ? "a client reaching the app directly gets its own address (trust proxy checks the peer's)"
        : 'a client reaching the app directly is believed (app.proxy checks no address: ctx.ip is what Koa computes)',
      async () => {
        expect(await ipOf({ trustProxy: 'framework' }, noProxy.from, noProxy.headers, setting)).toBe(fw.kind !== 'koa' ? CLIENT : SPOOF);
      },
    );

    it("without the framework's proxy setting, the peer address", async () => {
      expect(await ipOf({ trustProxy: 'framework' }, appendingProxy.from, appendingProxy.headers)).toBe(PROXY);
    });
  });

  it('gives the same ip to the page event and to the events the request emits', async () => {
    const server = await listen(trackedApp(fw, { trustProxy: [PROXY] }), '::');
    const agent = new Agent({ localAddress: PROXY });
    try {
      await send(`${server.url}/courses/`, { headers: { 'X-Forwarded-For': `${SPOOF}, ${REAL}` }, agent });
    } finally {
      agent.destroy();
      await server.close();
    }
    expect(contextOf(capture).ip).toBe(REAL);
    expect(capture.events.map((event) => event.context?.ip)).toEqual([REAL, REAL]);
  });
});
