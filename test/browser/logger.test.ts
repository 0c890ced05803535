// The browser Logger's behaviour in real Chromium against a small lab app that
// records every request reaching its endpoints: failures, wire details, path
// prefix, listeners, batching, and the ES module build.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeInChromium, launchChromium, RECORD_BEACONS, recordedBeacons, watchForErrors } from './chromium';
import { serve, startLab, type Lab } from './servers';

/** What the page functions below see as their global object. */
type PageGlobal = any; // the root tsconfig has no DOM lib; the page code is checked by running it

describeInChromium('the browser Logger (real Chromium, lab app)', () => {
  let browser: Browser;
  let lab: Lab;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // One after the other: if one fails, afterAll still closes the other (a Chromium left open keeps jest from exiting).
    lab = await startLab();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });
  beforeEach(async () => {
    lab.received.length = 0;
    lab.status = 200;
    context = await browser.newContext();
    page = await context.newPage();
    problems = watchForErrors(page);
    // Unhandled rejections also reach `pageerror`; record them in the page as well, to be sure.
    await page.addInitScript(`addEventListener('unhandledrejection', (e) => console.error('unhandledrejection: ' + e.reason));`);
  });
  afterEach(async () => {
    await context.close();
  });

  it('resolves log() with the Response when the server answers 500, without an error in the page', async () => {
    lab.status = 500;
    await page.goto(`${lab.base}/page`);
    const result = await page.evaluate(async () => {
      const { Logger } = globalThis as PageGlobal;
      const heard: string[] = [];
      Logger.listen('problem_check', null, (eventType: string) => heard.push(eventType));
      const response = await Logger.log('problem_check', { answer: 42 });
      return { status: response.status, ok: response.ok, body: await response.text(), heard };
    });
    expect(result).toEqual({ status: 500, ok: false, body: 'boom', heard: ['problem_check'] });
    expect(lab.received).toHaveLength(1);
    // A fire-and-forget call, as XBlocks make, must not leave an unhandled rejection either.
    await page.evaluate(() => void (globalThis as PageGlobal).Logger.log('fire_and_forget', {}));
    await lab.waitForRequests(2);
    await page.waitForTimeout(200);
    expect(problems).toEqual([]);
  });

  it('resolves log() with Response.error() on a network failure, tells onError, and never throws', async () => {
    const closed = await serve(require('express')()); // a port that refuses connections once closed
    await closed.close();
    await page.goto(`${lab.base}/page`);
    const result = await page.evaluate(async (endpoint) => {
      const { Logger } = globalThis as PageGlobal;
      const errors: string[] = [];
      Logger.configure({ endpoint, onError: (error: Error, eventType: string) => errors.push(`${eventType}: ${error.name}`) });
      const response = await Logger.log('seq_goto', { old: 1, new: 2 });
      void Logger.log('fire_and_forget', {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: response.status, type: response.type, errors };
    }, `${closed.base}/event`);
    expect(result).toEqual({ status: 0, type: 'error', errors: ['seq_goto: TypeError', 'fire_and_forget: TypeError'] });
    expect(problems).toEqual([]);
  });

  it('does not send data JSON cannot encode; reports it with console.error and resolves', async () => {
    await page.goto(`${lab.base}/page`);
    const status = await page.evaluate(async () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      return (await (globalThis as PageGlobal).Logger.log('circular', circular)).status;
    });
    expect(status).toBe(0);
    expect(lab.received).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^console\.error: /)]);
  });

  it('resolves, without sending, when a courseId option throws, and reports it', async () => {
    await page.goto(`${lab.base}/page`);
    const status = await page.evaluate(async () => {
      const { Logger } = globalThis as PageGlobal;
      Logger.configure({ courseId: () => { throw new Error('no course'); } });
      return (await Logger.log('x', {})).status;
    });
    expect(status).toBe(0);
    expect(lab.received).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^console\.error: /)]);
  });

  it('refuses a misspelled or mistyped option in configure() with an OptionsError, keeping the options it had; undefined restores a default', async () => {
    await page.goto(`${lab.base}/page`);
    const result = await page.evaluate(async () => {
      const { Logger } = globalThis as PageGlobal;
      const refusal = (options: unknown): string[] => {
        try {
          Logger.configure(options);
          return ['accepted'];
        } catch (error) {
          return [(error as Error).name, (error as Error).message, String(error instanceof TypeError)];
        }
      };
      const refused = [
        refusal({ endPoint: '/elsewhere' }),
        refusal({ batch: { dealy: 100 } }),
        refusal({ batch: 'yes' }),
        refusal({ endpoint: '/elsewhere', onError: 'console' }),
      ];
      const status = (await Logger.log('after_refusals', { ok: true })).status;
      Logger.configure({ endpoint: '/lms/event' });
      await Logger.log('moved', {});
      Logger.configure({ endpoint: undefined });
      await Logger.log('back_to_default', {});
      return { refused, status };
    });
    expect(result.refused).toEqual([
      ['OptionsError', "Logger.configure: unknown option 'endPoint'; did you mean 'endpoint'?", 'true'],
      ['OptionsError', "Logger.configure: unknown option 'batch.dealy'; did you mean 'batch.delay'?", 'true'],
      ['OptionsError', `Logger.configure: option 'batch' must be true or false or an object, got "yes" (a string)`, 'true'],
      ['OptionsError', `Logger.configure: option 'onError' must be a function, got "console" (a string)`, 'true'],
    ]);
    // Nothing was changed by the refused calls: not batched, still the default endpoint.
    expect(result.status).toBe(200);
    // An option given as undefined goes back to its default.
    expect(lab.received.map((r) => [r.url, new URLSearchParams(r.body).get('event_type')])).toEqual([
      ['/event', 'after_refusals'],
      ['/lms/event', 'moved'],
      ['/event', 'back_to_default'],
    ]);
    expect(problems).toEqual([]);
  });

  it('encodes like Open edX’s jQuery: the spec’s example, undefined data, requestOptions type GET and data', async () => {
    await page.goto(`${lab.base}/page`);
    const pageUrl = page.url();
    const statuses = await page.evaluate(async () => {
      const { Logger, log_event } = globalThis as PageGlobal;
      const results = [log_event === Logger.log];
      results.push((await Logger.log('example', 'data')).status);
      results.push((await Logger.log('no_data')).status);
      results.push((await Logger.log('as_get', { a: 1 }, null, { type: 'GET', async: false })).status);
      results.push((await Logger.log('extra', [1, 2], null, { data: { courserun_key: 'course-v1:A+B+C', extra: 'x' } })).status);
      Logger.configure({ fetchOptions: { headers: { 'X-CSRFToken': 'token-1' } } });
      results.push((await Logger.log('headers', {}, null, { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).status);
      return results;
    });
    expect(statuses).toEqual([true, 200, 200, 200, 200, 200]);
    const [example, noData, asGet, extra, headers] = lab.received;
    expect(example).toMatchObject({
      method: 'POST',
      url: '/event',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: new URLSearchParams({ event_type: 'example', event: '"data"', courserun_key: '', page: pageUrl }).toString(),
    });
    expect(Object.fromEntries(new URLSearchParams(noData!.body))).toMatchObject({ event_type: 'no_data', event: '' });
    expect(asGet!.method).toBe('GET');
    expect(asGet!.url).toBe(`/event?${new URLSearchParams({ event_type: 'as_get', event: '{"a":1}', courserun_key: '', page: pageUrl })}`);
    expect(Object.fromEntries(new URLSearchParams(extra!.body))).toEqual({
      event_type: 'extra',
      event: '[1,2]',
      courserun_key: 'course-v1:A+B+C',
      page: pageUrl,
      extra: 'x',
    });
    expect(headers!.headers).toMatchObject({ 'x-csrftoken': 'token-1', 'x-requested-with': 'XMLHttpRequest' });
  });

  it('puts <meta name="path_prefix"> before the endpoint, as ajaxWithPrefix does; a pathPrefix option wins', async () => {
    await page.goto(`${lab.base}/page?prefix=/lms`);
    await page.evaluate(async () => {
      const { Logger } = globalThis as PageGlobal;
      await Logger.log('prefixed', {});
      Logger.configure({ pathPrefix: '' });
      await Logger.log('unprefixed', {});
    });
    expect(lab.received.map((r) => [r.url, new URLSearchParams(r.body).get('event_type')])).toEqual([
      ['/lms/event', 'prefixed'],
      ['/event', 'unprefixed'],
    ]);
  });

  it('matches listeners by exact element; null only matches calls without one; a throwing listener is reported and harmless', async () => {
    await page.goto(`${lab.base}/page`);
    const result = await page.evaluate(async () => {
      const { Logger, document } = globalThis as PageGlobal;
      const calls: string[] = [];
      const reported: Array<Record<string, unknown>> = [];
      const consoleError = console.error;
      console.error = (report: Record<string, unknown>) => reported.push(report);
      const button = document.createElement('button');
      const otherButton = document.createElement('button');
      Logger.listen('clicked', null, (_t: string, d: unknown, e: unknown) => calls.push(`null:${JSON.stringify(d)}:${e}`));
      Logger.listen('clicked', 'video-1', (_t: string, d: unknown, e: unknown) => calls.push(`video-1:${JSON.stringify(d)}:${e}`));
      Logger.listen('clicked', button, () => calls.push('button'));
      Logger.listen('clicked', 'video-1', () => {
        throw new Error('listener bug');
      });
      Logger.listen('clicked', 'video-1', () => calls.push('after the throwing one'));
      const stop = Logger.listen('clicked', null, () => calls.push('removed'));
      stop();
      await Logger.log('clicked', { n: 1 });
      await Logger.log('clicked', { n: 2 }, 'video-1');
      await Logger.log('clicked', { n: 3 }, otherButton);
      await Logger.log('clicked', { n: 4 }, button);
      await Logger.log('clicked', { n: 5 }, '');
      await Logger.log('other', { n: 6 }, 'video-1');
      console.error = consoleError;
      return {
        calls,
        reported: reported.map((r) => ({ ...r, error: String(r.error) })),
      };
    });
    expect(result.calls).toEqual(['null:{"n":1}:null', 'video-1:{"n":2}:video-1', 'after the throwing one', 'button', 'null:{"n":5}:null']);
    expect(result.reported).toEqual([{ eventType: 'clicked', data: { n: 2 }, element: 'video-1', error: 'Error: listener bug' }]);
    expect(lab.received).toHaveLength(6); // every log() still sends
    expect(problems).toEqual([]);
  });

  it('batches when asked: holds events until size or delay, still one request per event', async () => {
    await page.goto(`${lab.base}/page`);
    await page.evaluate(() => {
      const { Logger } = globalThis as PageGlobal;
      Logger.configure({ batch: { delay: 60000, size: 3 } });
      (globalThis as PageGlobal).pending = [Logger.log('b1', {}), Logger.log('b2', {})];
    });
    await page.waitForTimeout(300);
    expect(lab.received).toEqual([]); // two of three: still queued
    const statuses = await page.evaluate(async () => {
      const { Logger, pending } = globalThis as PageGlobal;
      const responses = await Promise.all([...pending, Logger.log('b3', {})]);
      return responses.map((r: { status: number }) => r.status);
    });
    expect(statuses).toEqual([200, 200, 200]);
    expect(lab.received.map((r) => new URLSearchParams(r.body).get('event_type')).sort()).toEqual(['b1', 'b2', 'b3']);

    // One event, under the size: the delay's timer sends it.
    const afterDelay = await page.evaluate(async () => {
      const { Logger } = globalThis as PageGlobal;
      Logger.configure({ batch: { delay: 100 } });
      return (await Logger.log('b4', {})).status;
    });
    expect(afterDelay).toBe(200);
    expect(lab.received).toHaveLength(4);
  });

  it('sends events still queued when the page goes away with navigator.sendBeacon, then page_close', async () => {
    await page.addInitScript(RECORD_BEACONS);
    await page.goto(`${lab.base}/page`);
    const pageUrl = page.url();
    await page.evaluate(() => {
      const { Logger } = globalThis as PageGlobal;
      Logger.configure({ batch: { delay: 60000 }, courseId: 'course-v1:A+B+C' });
      Logger.bind();
      Logger.bind(); // twice changes nothing
      void Logger.log('queued_1', { i: 1 });
      void Logger.log('queued_2', { i: 2 });
    });
    await page.waitForTimeout(200);
    expect(lab.received).toEqual([]);
    await page.goto(`${lab.base}/page?next`);
    const received = await lab.waitForRequests(3);
    // Sent in this order (the beacon calls, below); beacons may arrive in any order.
    const byName = (a: Record<string, string>, b: Record<string, string>) => a.event_type!.localeCompare(b.event_type!);
    expect(received.map((r) => Object.fromEntries(new URLSearchParams(r.body))).sort(byName)).toEqual([
      { event_type: 'page_close', event: '', courserun_key: 'course-v1:A+B+C', page: pageUrl },
      { event_type: 'queued_1', event: '{"i":1}', courserun_key: 'course-v1:A+B+C', page: pageUrl },
      { event_type: 'queued_2', event: '{"i":2}', courserun_key: 'course-v1:A+B+C', page: pageUrl },
    ]);
    expect(received.every((r) => r.method === 'POST' && r.contentType === 'application/x-www-form-urlencoded;charset=UTF-8')).toBe(true);
    expect((await recordedBeacons(page)).map((b) => new URLSearchParams(b.body).get('event_type'))).toEqual(['queued_1', 'queued_2', 'page_close']);
    expect(problems).toEqual([]);
  });

  it('works as an ES module: createLogger with its own endpoint and course, refusing a misspelled option', async () => {
    await page.goto(`${lab.base}/module`);
    await page.waitForFunction(() => (globalThis as PageGlobal).esm !== undefined);
    const result = await page.evaluate(async () => {
      const { esm } = globalThis as PageGlobal;
      const logger = esm.createLogger({ endpoint: '/lms/event', courseId: () => 'course-v1:M+O+D' });
      const response = await logger.log('from_module', { ok: true });
      let refused: unknown;
      try {
        esm.createLogger({ courseID: 'course-v1:M+O+D' });
      } catch (error) {
        refused = { name: (error as Error).name, message: (error as Error).message };
      }
      return { status: response.status, names: Object.keys(esm).sort(), alias: esm.log_event === esm.Logger.log, global: 'Logger' in globalThis, refused };
    });
    expect(result).toEqual({
      status: 200,
      names: ['Logger', 'createLogger', 'log_event'],
      alias: true,
      global: false,
      refused: { name: 'OptionsError', message: "createLogger: unknown option 'courseID'; did you mean 'courseId'?" },
    });
    expect(lab.received).toHaveLength(1);
    expect(lab.received[0]!.url).toBe('/lms/event');
    expect(new URLSearchParams(lab.received[0]!.body).get('courserun_key')).toBe('course-v1:M+O+D');
    expect(problems).toEqual([]);
  });
});
