import { request as httpRequest } from 'node:http';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, middleware, probe, type Framework, type Handler } from '../http/frameworks';
import { delay, listen, PROBE, waitFor } from '../http/helpers';

// A client that leaves while a slower middleware before trackMiddleware still works (a
// session store lookup, say): the response has closed before the request is tracked. The
// handler still runs; its page event must still be written, and its events keep the context.
describe.each(FRAMEWORKS)('a request whose client left before trackMiddleware ran, on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  async function leaveEarly(handler: Handler): Promise<void> {
    const slowStore = middleware((_req, next) => setTimeout(next, 150));
    const server = await listen(fw.app({ before: [slowStore], routes: [{ handler }] }));
    try {
      const client = httpRequest(`${server.url}/courses/org/c/r/left`, { headers: { 'user-agent': 'leaving' } });
      client.on('error', () => undefined);
      client.end();
      await delay(30);
      client.destroy();
      await waitFor(() => handled, 3000);
      await delay(20);
    } finally {
      await server.close();
    }
  }

  let handled = false;
  beforeEach(() => {
    handled = false;
  });

  it('still gets its page event when its handler emits nothing', async () => {
    await leaveEarly(() => {
      handled = true;
      return 'ok';
    });
    expect(capture.events.map((event) => event.name)).toEqual(['/courses/org/c/r/left']);
  });

  it("gets its page event before its handler's events, which keep the request context", async () => {
    await leaveEarly((req) => {
      handled = true;
      return probe(req);
    });
    expect(capture.events.map((event) => event.name)).toEqual(['/courses/org/c/r/left', PROBE]);
    expect(capture.events[1]!.context).toMatchObject({ agent: 'leaving', course_id: 'org/c/r' });
  });
});
