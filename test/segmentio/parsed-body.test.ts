// The webhook behind a body parser, and the same tracking.log event on every
// framework: express.json() before the handler (Express 5), a body-parsing
// middleware setting ctx.request.body (Koa 3 and Koa 2), and test_success on all three.
import express from 'express';
import Koa from 'koa';
import Koa2 from 'koa2';
import request from 'supertest';
import type { KoaContext, KoaMiddleware } from '../../src/koa';
import {
  EVENT_NAME,
  FRAMEWORKS,
  USERNAME,
  asLogged,
  expectIgnored,
  expectRefused,
  expressApp,
  koaApp,
  makeHarness,
  onlyLegacy,
  segmentMessage,
  webhookUrl,
  type Harness,
} from './helpers';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});

describe('Express 5 with express.json() before the handler', () => {
  const parsedApp = (): express.Express => expressApp(h, {}, { before: [express.json()] });

  it('uses the parsed body', async () => {
    await request(parsedApp()).post(webhookUrl()).send(segmentMessage({ data: { foo: 'bar' } })).expect(200, '');
    expect(onlyLegacy(h)).toMatchObject({ name: EVENT_NAME, username: USERNAME, event: { foo: 'bar' } });
  });

  it('still answers 400 to a parsed array', async () => {
    await request(parsedApp()).post(webhookUrl()).send([segmentMessage()]).expect(400);
    expectIgnored(h);
  });

  it('still reports an invalid event (parsed) once, answering 200', async () => {
    const message = segmentMessage();
    delete message.receivedAt;
    await request(parsedApp()).post(webhookUrl()).send(message).expect(200, '');
    expectRefused(h, 'Required receivedAt field not found', EVENT_NAME);
  });

  it('reads the stream itself when express.json() skipped the body (another content type)', async () => {
    await request(parsedApp()).post(webhookUrl()).type('text/plain').send(JSON.stringify(segmentMessage())).expect(200, '');
    expect(onlyLegacy(h).name).toBe(EVENT_NAME);
  });

  it('checks the key before using a parsed body', async () => {
    await request(parsedApp()).post(webhookUrl('y')).send(segmentMessage()).expect(401);
    expectIgnored(h);
  });
});

/** A Koa body parser: reads the whole request and sets ctx.request.body to the parsed JSON. */
const koaJsonBody: KoaMiddleware = async (ctx: KoaContext, next) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.request.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  await next();
};

describe.each([
  ['Koa 3', Koa],
  ['Koa 2', Koa2 as unknown as typeof Koa],
])('%s with a body parser before the handler', (_framework, KoaCtor) => {
  it('uses ctx.request.body', async () => {
    await request(koaApp(KoaCtor, h, {}, [koaJsonBody])).post(webhookUrl()).send(segmentMessage({ data: { foo: 'bar' } })).expect(200, '');
    expect(onlyLegacy(h)).toMatchObject({ name: EVENT_NAME, event: { foo: 'bar' } });
  });

  it('still answers 400 to a parsed array', async () => {
    await request(koaApp(KoaCtor, h, {}, [koaJsonBody])).post(webhookUrl()).send([segmentMessage()]).expect(400);
    expectIgnored(h);
  });
});

describe('the same tracking.log event on every framework (test_success)', () => {
  it('records identical legacy events on Express 5, Koa 3, Koa 2, Fastify 5 and Hono 4', async () => {
    const logged: unknown[] = [];
    for (const [, makeApp] of FRAMEWORKS) {
      const own = makeHarness();
      const headers = { 'User-Agent': 'Segment.io/1.0', Referer: 'https://segment.example/', 'Accept-Language': 'en' };
      await request(makeApp(own)).post(webhookUrl()).set(headers).send(segmentMessage({ data: { foo: 'bar' }, courseId: 'foo/bar/baz' })).expect(200, '');
      logged.push(asLogged(onlyLegacy(own)));
    }
    expect(logged[0]).toMatchObject({ username: USERNAME, referer: 'https://segment.example/', accept_language: 'en', context: { org_id: 'foo' } });
    expect(logged).toHaveLength(FRAMEWORKS.length);
    for (const each of logged.slice(1)) expect(each).toEqual(logged[0]);
  });
});
