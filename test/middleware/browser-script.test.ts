import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import request from 'supertest';
import * as expressAdapter from '../../src/express';
import * as fastifyAdapter from '../../src/fastify';
import * as honoAdapter from '../../src/hono';
import * as koaAdapter from '../../src/koa';
import type { BrowserScriptOptions } from '../../src/views/browser-script';

const script = 'window.Logger = {};\n'.repeat(20);

/** An app per framework serving the script at /eventtracking.js (and 404 elsewhere). */
const SERVERS: ReadonlyArray<[string, (options?: BrowserScriptOptions) => RequestListener]> = [
  [
    'Express',
    (options) => {
      const app = express();
      app.get('/eventtracking.js', expressAdapter.browserScriptHandler(options));
      return app;
    },
  ],
  [
    'Koa',
    (options) => {
      const app = new Koa();
      const serve = koaAdapter.browserScriptHandler(options);
      app.use(async (ctx, next) => (ctx.path === '/eventtracking.js' ? serve(ctx as never, next) : next()));
      return app.callback();
    },
  ],
  [
    'Fastify',
    (options) => {
      let routing: RequestListener | undefined;
      const app = Fastify({
        serverFactory: (handler) => {
          routing = handler as RequestListener;
          return createServer(handler);
        },
      });
      void app.register(fastifyAdapter.browserScriptHandler(options));
      const ready = app.ready();
      return (req, res) => void ready.then(() => routing?.(req, res));
    },
  ],
  [
    'Hono',
    (options) => {
      const app = new Hono();
      app.get('/eventtracking.js', honoAdapter.browserScriptHandler(options) as never);
      return getRequestListener(app.fetch) as RequestListener;
    },
  ],
];

describe.each(SERVERS)('browserScriptHandler on %s', (_name, appServing) => {
  const file = join(mkdtempSync(join(tmpdir(), 'et-script-')), 'global.js');
  writeFileSync(file, script);

  it('serves the file as JavaScript with an ETag and Cache-Control', async () => {
    const response = await request(appServing({ file })).get('/eventtracking.js').set('Accept-Encoding', 'identity').expect(200);
    expect(response.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    expect(response.headers['etag']).toMatch(/^"[\w-]+"$/);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.text).toBe(script);
  });

  it('answers 304 to a matching If-None-Match, gzips for browsers that accept it, honours maxAge and HEAD', async () => {
    const app = appServing({ file, maxAge: 60 });
    const first = await request(app).get('/eventtracking.js').set('Accept-Encoding', 'identity');
    await request(app).get('/eventtracking.js').set('If-None-Match', `W/"x", ${first.headers['etag']}`).expect(304);
    const gzipped = await request(app)
      .get('/eventtracking.js')
      .set('Accept-Encoding', 'gzip, deflate')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['cache-control']).toBe('public, max-age=60');
    expect(gzipped.headers['vary']).toBe('Accept-Encoding');
    const raw = gzipped.body as Buffer;
    expect((raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8')).toBe(script);
    const head = await request(app).head('/eventtracking.js').set('Accept-Encoding', 'gzip;q=0').expect(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(head.headers['content-length']).toBe(String(script.length));
  });

  it('serves the built dist/browser/global.js by default', async () => {
    const response = await request(appServing()).get('/eventtracking.js').set('Accept-Encoding', 'identity').expect(200);
    expect(response.text).toBe(readFileSync(join(__dirname, '../../dist/browser/global.js'), 'utf8'));
  });

  it('fails at creation, naming npm run build, when the file is missing', () => {
    expect(() => appServing({ file: '/nowhere/global.js' })).toThrow(/\/nowhere\/global\.js is missing; build it with `npm run build`/);
  });
});
