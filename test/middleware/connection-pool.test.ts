// A shared client connection (a session store, a cache) whose replies arrive in the
// async context that opened it — as with most database drivers — must not carry one
// request's context layers into another request (EDX-BEHAVIOR §8: "It must never
// leak into the next request"). On Express 5, Express 4, Koa 3 and Koa 2: the
// session middleware calls `next` from the store's callback, in the flow of the request
// that opened the connection.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { emit } from '../../src';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, middleware, type Framework } from '../http/frameworks';

/** A TCP echo server, and a client that opens one connection lazily and answers queries from its 'data' events. */
class EchoStore {
  private server: Server | undefined;
  private socket: Socket | undefined;
  private readonly waiting: (() => void)[] = [];

  async start(): Promise<void> {
    this.server = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  /** Calls `callback` when the store answers; the connection is opened by the first query. */
  query(callback: () => void): void {
    if (!this.socket) {
      this.socket = connect((this.server?.address() as AddressInfo).port, '127.0.0.1');
      this.socket.on('data', (data: Buffer) => {
        for (let i = 0; i < data.length; i++) this.waiting.shift()?.();
      });
    }
    this.waiting.push(callback);
    this.socket.write('q');
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe.each(FRAMEWORKS)('a shared store connection on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  let store: EchoStore;
  beforeEach(async () => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
    store = new EchoStore();
    await store.start();
  });
  afterEach(async () => {
    capture.restore();
    await store.stop();
  });

  it("does not carry a layer entered by one request's handler into a later request", async () => {
    const app = fw.app({
      // A session middleware mounted before trackMiddleware, as the README advises: like
      // express-session, it reads the store only for a request with a session cookie.
      before: [middleware((req, next) => (req.headers.cookie ? store.query(() => next()) : next()))],
      track: { pageEvents: false },
      routes: [
        {
          method: 'GET',
          path: '/first',
          handler: () => {
            // The handler enters a layer without exiting it (tracker.enterContext, as Python's enter_context),
            // and uses the store: the shared connection is opened inside this request.
            capture.tracker.enterContext('edx.course.first', { course_id: 'first/request/only', first_only: true });
            return new Promise((resolve) => {
              store.query(() => {
                emit('first');
                resolve('ok');
              });
            });
          },
        },
        {
          method: 'GET',
          path: '/second',
          handler: () => {
            emit('second');
            return 'ok';
          },
        },
      ],
    });
    await request(app).get('/first').expect(200);
    await request(app).get('/second').set('Cookie', 'sessionid=abc').expect(200);
    const second = capture.events.find((event) => event.name === 'second');
    expect(second?.context?.path).toBe('/second');
    expect(second?.context).not.toHaveProperty('first_only');
    expect(second?.context?.course_id).toBe('');
  });
});
