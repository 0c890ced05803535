import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import request from 'supertest';
import { MemoryBackend } from '../../src/backends/memory';
import { Tracker } from '../../src/core/tracker';
import { defineEvent, registerEvents, Type } from '../../src/events';
import { eventViewerMiddleware as expressMount } from '../../src/express';
import { eventViewerMiddleware as fastifyMount } from '../../src/fastify';
import { eventViewerMiddleware as koaMount } from '../../src/koa';
import { createEventViewer, type EventViewer } from '../../src/viewer';

const viewers: EventViewer[] = [];
const servers: Server[] = [];
afterEach(async () => {
  viewers.splice(0).forEach((viewer) => viewer.close());
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function setup(options: Parameters<typeof createEventViewer>[0] = {}) {
  const tracker = new Tracker({ backends: { mem: new MemoryBackend() } });
  const viewer = createEventViewer({ tracker, ...options });
  viewers.push(viewer);
  return { tracker, viewer };
}

async function listen(handler: (req: any, res: any) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads the event stream at `url` until `until` holds for the data messages received. */
function readStream(url: string, until: (messages: any[]) => boolean): Promise<{ messages: any[]; raw: string }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    const req = get(url, (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream');
      res.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
        const messages = [...raw.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] as string));
        if (until(messages)) {
          req.destroy();
          resolve({ messages, raw });
        }
      });
    });
    req.on('error', reject);
  });
}

describe('createEventViewer', () => {
  it("refuses NODE_ENV=production unless forced, saying why", () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => setup()).toThrow(/createEventViewer: the event viewer is for development: NODE_ENV is 'production'.*force: true/);
      expect(() => setup({ force: true })).not.toThrow();
    } finally {
      process.env.NODE_ENV = saved;
    }
  });

  it('refuses unknown options with the nearest name', () => {
    expect(() => setup({ bufferSise: 5 } as never)).toThrow(/did you mean 'bufferSize'/);
  });

  it('keeps a bounded buffer of the latest events, with user, course and source', async () => {
    const { tracker, viewer } = setup({ bufferSize: 3 });
    for (let i = 1; i <= 5; i++) {
      tracker.context('edx.request', { username: 'bob', course_id: `course-v1:a+b+${i}`, event_source: i === 5 ? 'browser' : undefined }, () => tracker.emit(`edx.test.event${i}.happened`, { i }));
    }
    expect(viewer.entries.map((entry) => entry.id)).toEqual([3, 4, 5]);
    expect(viewer.entries[2]).toMatchObject({ name: 'edx.test.event5.happened', user: 'bob', course: 'course-v1:a+b+5', source: 'browser', problems: [] });
    const url = await listen((req, res) => viewer.handle(req, res));
    const json = await request(url).get('/events.json').expect(200);
    expect(json.body.map((entry: { id: number }) => entry.id)).toEqual([3, 4, 5]);
  });

  it('streams the buffer, then each new event, and never a censored value', async () => {
    const { tracker, viewer } = setup({ censorKeys: ['ssn'] });
    tracker.emit('edx.user.settings.changed', { password: 'hunter2', profile: { api_key: 'k-123', ssn: '078-05-1120', city: 'Lyon' } });
    const url = await listen((req, res) => viewer.handle(req, res));
    const reading = readStream(`${url}/stream`, (messages) => messages.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(viewer.clients).toBe(1);
    tracker.emit('edx.course.enrollment.activated', { course_id: 'c', token: 'secret-token' });
    const { messages, raw } = await reading;
    expect(messages.map((m) => m.name)).toEqual(['edx.user.settings.changed', 'edx.course.enrollment.activated']);
    expect(messages[0].event.data).toEqual({ password: '********', profile: { api_key: '********', ssn: '********', city: 'Lyon' } });
    for (const secret of ['hunter2', 'k-123', '078-05-1120', 'secret-token']) expect(raw).not.toContain(secret);
  });

  it('marks an event that fails its definition with every problem', () => {
    const enrolled = defineEvent({
      name: 'edx.course.enrollment.activated', description: 'Enrolled.', owner: 'x',
      data: Type.Object({ course_id: Type.String(), mode: Type.String() }), example: { course_id: 'c', mode: 'audit' }, emittedFrom: ['server'],
    });
    const { tracker, viewer } = setup({ registry: registerEvents([enrolled], { validation: 'off' }) });
    tracker.emit('edx.course.enrollment.activated', { course_id: 7 });
    tracker.emit('edx.course.enrollment.activated', { course_id: 'c', mode: 'audit' });
    expect(viewer.entries.map((entry) => entry.problems)).toEqual([
      [
        { event: 'edx.course.enrollment.activated', path: '/mode', message: 'Expected required property' },
        { event: 'edx.course.enrollment.activated', path: '/course_id', message: 'Expected string' },
      ],
      [],
    ]);
  });

  it('answers the page, 404 with a reason for other paths, 405 for other methods', async () => {
    const { viewer } = setup();
    const url = await listen((req, res) => viewer.handle(req, res));
    await request(url).get('/').expect(200).expect('content-type', /text\/html/).expect(/<title>Event viewer<\/title>/);
    await request(url).get('/nope').expect(404, 'No /nope here: the event viewer serves /, /stream and /events.json.\n');
    await request(url).post('/').expect(405);
  });
});

describe('eventViewerMiddleware', () => {
  it('mounts the viewer at /__events in Express and lets other requests through', async () => {
    const { viewer } = setup();
    const app = express();
    app.use(expressMount(viewer));
    app.get('/', (_req, res) => res.send('home'));
    app.get('/__eventsx', (_req, res) => res.send('not the viewer'));
    await request(app).get('/__events').expect(200).expect(/Event viewer/);
    await request(app).get('/__events/events.json').expect(200).expect('[]');
    await request(app).get('/').expect(200, 'home');
    await request(app).get('/__eventsx').expect(200, 'not the viewer');
  });

  it('mounts the viewer at a chosen path in Koa and lets other requests through', async () => {
    const { viewer } = setup();
    const app = new Koa();
    app.use(koaMount(viewer, { path: '/dev/events' }) as never);
    app.use((ctx) => {
      ctx.body = `koa ${ctx.path}`;
    });
    const url = await listen(app.callback());
    await request(url).get('/dev/events/').expect(200).expect(/Event viewer/);
    await request(url).get('/dev/events/events.json').expect(200).expect('[]');
    await request(url).get('/other').expect(200, 'koa /other');
  });

  it('mounts the viewer in Fastify, its event stream open past the handler, and lets other routes through', async () => {
    const { tracker, viewer } = setup();
    const app = Fastify();
    await app.register(fastifyMount(viewer));
    app.get('/', async () => 'fastify home');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await request(url).get('/__events').expect(200).expect(/Event viewer/);
      await request(url).get('/__events/events.json').expect(200).expect('[]');
      await request(url).get('/').expect(200, 'fastify home');
      const reading = readStream(`${url}/__events/stream`, (messages) => messages.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      tracker.emit('edx.course.enrollment.activated', { course_id: 'c' });
      expect((await reading).messages.map((m) => m.name)).toEqual(['edx.course.enrollment.activated']);
    } finally {
      viewer.close();
      await app.close();
    }
  });

  it('refuses a path that does not start with / or ends with one', () => {
    const { viewer } = setup();
    expect(() => expressMount(viewer, { path: '__events' })).toThrow("eventViewerMiddleware: option 'path' must start with '/'");
    expect(() => koaMount(viewer, { path: '/__events/' })).toThrow(/not end with one/);
    expect(() => fastifyMount(viewer, { path: 'events' })).toThrow(/must start with '\/'/);
  });
});
