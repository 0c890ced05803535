// The webhook over HTTP (EDX-BEHAVIOR §4.3, HTTP behaviour), the same cases on
// Express 5, Koa 3 and Koa 2: methods, the ?key= check, the body, and what a valid
// or an invalid event answers. Ported from Open edX's test_segmentio.py
// (test_get_request, test_no_secret_*, test_secret_*, test_hiding_failure).
import crypto from 'node:crypto';
import { createServer, request as httpRequest, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { LegacyFieldMappingProcessor } from '../../src';
import { captureEvents, FROZEN_TIME } from '../../src/testing';
import {
  DEVICE_TIME_ISO,
  ENDPOINT,
  EVENT_NAME,
  FRAMEWORKS,
  SECRET,
  USERNAME,
  asLogged,
  expectIgnored,
  expectRefused,
  makeHarness,
  onlyLegacy,
  segmentMessage,
  webhookUrl,
  type Harness,
} from './helpers';

/** POSTs `chunks` without a Content-Length (chunked encoding) to a listener on a real server. */
async function postChunked(listener: RequestListener, path: string, chunks: (string | Buffer)[]): Promise<{ status: number; text: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        const body: Buffer[] = [];
        res.on('data', (chunk: Buffer) => body.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(body).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe.each(FRAMEWORKS)('segmentioHandler over HTTP on %s', (_framework, makeApp) => {
  let h: Harness;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    h = makeHarness();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  /** Nothing emitted and nothing reported (a refused request is answered, not reported). */
  function expectNothing(): void {
    expectIgnored(h);
  }

  describe('methods (test_get_request)', () => {
    it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow: POST', async (method) => {
      const response = await request(makeApp(h))[method.toLowerCase() as 'get'](webhookUrl()).send(method === 'GET' ? undefined : segmentMessage());
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST');
      expectNothing();
    });

    it('answers 405 before looking at the key', async () => {
      const response = await request(makeApp(h)).get(webhookUrl('wrong'));
      expect(response.status).toBe(405);
    });
  });

  describe('the key', () => {
    it('accepts the configured secret with 200 and an empty body', async () => {
      const response = await request(makeApp(h)).post(webhookUrl()).send(segmentMessage());
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
      expect(onlyLegacy(h).name).toBe(EVENT_NAME);
    });

    it('refuses a request without a key with 401 (test_no_secret_provided)', async () => {
      await request(makeApp(h)).post(webhookUrl(null)).send(segmentMessage()).expect(401);
      expectNothing();
    });

    it.each([
      ['another key (test_secret_mismatch)', 'y'],
      ['an empty key', ''],
      ['a prefix of the secret', SECRET.slice(0, 3)],
      ['the secret with more after it', `${SECRET}x`],
      ['the secret in another case', SECRET.toUpperCase()],
      ['a very long key', 'a'.repeat(5000)],
      ['a non-ASCII key', `${SECRET}é`],
    ])('refuses %s with 401', async (_what, key) => {
      await request(makeApp(h)).post(webhookUrl(key)).send(segmentMessage()).expect(401);
      expectNothing();
    });

    it('takes the last key when there are several, as Django’s QueryDict.get does', async () => {
      await request(makeApp(h)).post(`${ENDPOINT}?key=wrong&key=${SECRET}`).send(segmentMessage()).expect(200);
      await request(makeApp(h)).post(`${ENDPOINT}?key=${SECRET}&key=wrong`).send(segmentMessage()).expect(401);
      expect(h.legacy.events).toHaveLength(1);
    });

    it('decodes the key as a query value (%XX and + for a space)', async () => {
      const secret = 'a b+c/d';
      await request(makeApp(h, { secret })).post(`${ENDPOINT}?key=a+b%2Bc%2Fd`).send(segmentMessage()).expect(200);
      expect(h.legacy.events).toHaveLength(1);
    });

    it('compares digests of equal length in constant time, whatever the key’s length (test_secret_comparison_is_constant_time)', async () => {
      const compare = jest.spyOn(crypto, 'timingSafeEqual');
      try {
        const app = makeApp(h);
        for (const key of ['y', 'a'.repeat(300)]) {
          compare.mockClear();
          await request(app).post(webhookUrl(key)).send(segmentMessage()).expect(401);
          expect(compare).toHaveBeenCalledTimes(1);
          const [provided, expected] = compare.mock.calls[0] as [Buffer, Buffer];
          expect([provided.length, expected.length]).toEqual([32, 32]);
          expect(Buffer.compare(provided, expected)).not.toBe(0);
        }
      } finally {
        compare.mockRestore();
      }
      expectNothing();
    });

    // Open edX's expect_json decorator parses the body before the view checks the key (a 400 there).
    it('checks the key before reading the body: a wrong key with a bad body is a 401', async () => {
      await request(makeApp(h)).post(webhookUrl('y')).type('json').send('{not json').expect(401);
      expectNothing();
    });
  });

  describe('no secret configured (test_no_secret_config)', () => {
    const saved = process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET;
    afterEach(() => {
      if (saved === undefined) delete process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET;
      else process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET = saved;
    });

    it.each([
      ['no secret', undefined],
      ['an empty secret', ''],
    ])('refuses every request with %s, and warns once when built', async (_what, secret) => {
      delete process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET;
      const app = makeApp(h, { secret });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/no secret.*401/);
      for (const key of [null, '', 'undefined', 'anything']) {
        await request(app).post(webhookUrl(key)).send(segmentMessage()).expect(401);
      }
      expectNothing();
    });

    it('takes the secret from TRACKING_SEGMENTIO_WEBHOOK_SECRET by default, without warning', async () => {
      process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET = 'from-env';
      const app = makeApp(h, { secret: undefined });
      expect(warn).not.toHaveBeenCalled();
      await request(app).post(webhookUrl(SECRET)).send(segmentMessage()).expect(401);
      await request(app).post(webhookUrl('from-env')).send(segmentMessage()).expect(200);
      expect(h.legacy.events).toHaveLength(1);
    });
  });

  describe('the body', () => {
    // Open edX's expect_json answers invalid JSON 400 too, but takes an empty body as {} (ignored, 200).
    it.each([
      ['invalid JSON', '{"type": "track",'],
      ['an empty body', ''],
    ])('answers %s with 400', async (_what, body) => {
      const response = await request(makeApp(h)).post(webhookUrl()).type('json').send(body);
      expect(response.status).toBe(400);
      expectNothing();
    });

    it.each([
      ['an array', '[{"type": "track"}]'],
      ['a string', '"track"'],
      ['a number', '42'],
      ['null', 'null'],
    ])('answers a JSON body that is %s (not a message object) with 400', async (_what, body) => {
      const response = await request(makeApp(h)).post(webhookUrl()).type('json').send(body);
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/JSON object/);
      expectNothing();
    });

    it('answers invalid UTF-8 with 400', async () => {
      // Sent raw: superagent would JSON-encode a Buffer body.
      const response = await postChunked(makeApp(h), webhookUrl(), [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])]);
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/UTF-8/);
      expectNothing();
    });

    it('answers a body over maxBodySize with 413 (declared length)', async () => {
      const body = JSON.stringify(segmentMessage());
      const app = makeApp(h, { maxBodySize: body.length - 1 });
      await request(app).post(webhookUrl()).type('json').send(body).expect(413);
      expectNothing();
      await request(makeApp(h, { maxBodySize: body.length })).post(webhookUrl()).type('json').send(body).expect(200);
      expect(h.legacy.events).toHaveLength(1);
    });

    it('answers a chunked body that grows over maxBodySize with 413', async () => {
      const body = JSON.stringify(segmentMessage());
      const response = await postChunked(makeApp(h, { maxBodySize: 100 }), webhookUrl(), [body.slice(0, 60), body.slice(60)]);
      expect(response.status).toBe(413);
      expectNothing();
    });

    // Open edX's expect_json only parses application/json; another type gives {} (ignored, 200).
    it('reads a JSON body sent with another content type', async () => {
      await request(makeApp(h)).post(webhookUrl()).type('text/plain').send(JSON.stringify(segmentMessage())).expect(200);
      expect(onlyLegacy(h).name).toBe(EVENT_NAME);
    });
  });

  describe('answers', () => {
    it('answers a valid event 200 with an empty text body', async () => {
      const response = await request(makeApp(h)).post(webhookUrl()).send(segmentMessage());
      expect([response.status, response.text]).toEqual([200, '']);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
    });

    it('answers an invalid event 200 with an empty body too, and reports it once (test_hiding_failure)', async () => {
      const message = segmentMessage();
      delete message.timestamp;
      const response = await request(makeApp(h)).post(webhookUrl()).send(message);
      expect([response.status, response.text]).toEqual([200, '']);
      expectRefused(h, 'Required timestamp field not found', EVENT_NAME);
    });

    it('answers an ignored event 200 with an empty body and reports nothing', async () => {
      const response = await request(makeApp(h)).post(webhookUrl()).send(segmentMessage({ action: 'identify' }));
      expect([response.status, response.text]).toEqual([200, '']);
      expectNothing();
    });

    it('answers 200 when lookupUser throws, reporting the error (never a 5xx)', async () => {
      const boom = new Error('database down');
      const response = await request(makeApp(h, { lookupUser: () => Promise.reject(boom) })).post(webhookUrl()).send(segmentMessage());
      expect([response.status, response.text]).toEqual([200, '']);
      expect(h.raw.events).toEqual([]);
      expect(h.failures).toEqual([{ error: boom, info: { stage: 'request', component: 'segmentioHandler' } }]);
    });

    it('emits to the default tracker, looked up per request, without a tracker option', async () => {
      const app = makeApp(h, { tracker: undefined });
      const capture = captureEvents({ processors: [new LegacyFieldMappingProcessor()], clock: () => FROZEN_TIME });
      try {
        await request(app).post(webhookUrl()).send(segmentMessage()).expect(200, '');
        expect(capture.events).toHaveLength(1);
        expect(asLogged(capture.getEvent())).toMatchObject({ name: EVENT_NAME, username: USERNAME, time: DEVICE_TIME_ISO, event_source: 'mobile' });
      } finally {
        capture.restore();
      }
      expectNothing();
    });
  });
});
