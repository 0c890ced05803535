// The browser Logger in real Chromium against the Express demo (examples/express):
// events a visitor's clicks send land in tracking.log with the server-side context.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { describeInChromium, launchChromium, RECORD_BEACONS, recordedBeacons, watchForErrors } from './chromium';
import { startDemo, type Demo } from './servers';

const COURSE = 'course-v1:edX+DemoX+Demo_2014';
const COURSE_PATH = `/courses/${COURSE}/courseware/`;
const ARTIFACTS = join(__dirname, '..', 'artifacts');

describeInChromium('the browser Logger on the demo course page (real Chromium)', () => {
  let browser: Browser;
  let demo: Demo;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // One after the other: if one fails, afterAll still closes the other (a Chromium left open keeps jest from exiting).
    demo = await startDemo();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext(); // fresh cookies: a new visitor each test
    page = await context.newPage();
    problems = watchForErrors(page);
    await page.goto(`${demo.base}/login?user=alice`);
  });
  afterEach(async () => {
    await context.close();
    expect(problems).toEqual([]);
  });

  it('sends a click as an Open edX browser event that lands in tracking.log with the visitor context', async () => {
    await page.goto(demo.base + COURSE_PATH);
    await page.click('text=Play video');
    await page.waitForSelector('#sent li[data-status]');
    expect(await page.textContent('#sent li')).toBe('play_video → 200 OK');

    const pageView = await demo.waitForEvent((e) => e.event_type === COURSE_PATH && e.username === 'alice', 'course page view');
    const event = await demo.waitForEvent((e) => e.event_type === 'play_video', 'play_video');
    expect(event).toMatchObject({
      name: 'play_video',
      event_source: 'browser',
      username: 'alice',
      page: page.url(),
      event: '{"id": "intro-video", "currentTime": 0, "code": "html5"}',
      ip: '127.0.0.1',
      host: '127.0.0.1',
      referer: page.url(),
      context: { user_id: 42, path: '/event', course_id: COURSE, org_id: 'edX' },
    });
    expect(event.agent).toMatch(/HeadlessChrome/);
    expect(event.session).toBe(pageView.session);
    expect(event.session).toMatch(/^[0-9a-f]{32}$/);
  });

  it('sends Open edX’s wire format: form-encoded event_type, event, courserun_key, page', async () => {
    const requests: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/event') requests.push(request);
    });
    await page.goto(demo.base + COURSE_PATH);
    await page.click('text=Pause video');
    await page.waitForSelector('#sent li[data-status]');

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.method()).toBe('POST');
    expect(request!.headers()['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    const form = new URLSearchParams(request!.postData() ?? '');
    expect([...form.keys()]).toEqual(['event_type', 'event', 'courserun_key', 'page']);
    expect(Object.fromEntries(form)).toEqual({
      event_type: 'pause_video',
      event: JSON.stringify({ id: 'intro-video', currentTime: 12.5, code: 'html5' }),
      courserun_key: COURSE, // from the page global $$course_id
      page: page.url(),
    });
  });

  it('takes the course from the page global $$course_id, not only from the URL', async () => {
    await page.goto(demo.base + '/'); // no course in this URL
    const status = await page.evaluate(() => {
      const page = globalThis as any;
      page.$$course_id = 'course-v1:OtherX+Chem101+2025';
      return page.Logger.log('edx.ui.lms.outline.selected', { target_name: 'Week 1' }).then((r: { status: number }) => r.status);
    });
    expect(status).toBe(200);
    const event = await demo.waitForEvent((e) => e.event_type === 'edx.ui.lms.outline.selected', 'the outline event');
    expect(event.context).toMatchObject({ course_id: 'course-v1:OtherX+Chem101+2025', org_id: 'OtherX', user_id: 42 });
    expect(event.page).toBe(`${demo.base}/`);
  });

  it('calls the page’s Logger.listen callbacks, which update what the visitor sees', async () => {
    await page.goto(demo.base + COURSE_PATH);
    expect(await page.textContent('#status')).toBe('Video not started');
    await page.click('text=Play video');
    expect(await page.textContent('#status')).toBe('Playing intro-video (heard by Logger.listen)');
    await page.click('text=Pause video');
    expect(await page.textContent('#status')).toBe('Paused intro-video at 12.5s (heard by Logger.listen)');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#sent li[data-status]').length === 2);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-course-page.png'), fullPage: true });
    expect(await page.$$eval('#sent li', (items) => items.map((item) => item.textContent))).toEqual([
      'play_video → 200 OK',
      'pause_video → 200 OK',
    ]);
  });

  it('sends page_close with navigator.sendBeacon when the visitor navigates away (Logger.bind)', async () => {
    await page.addInitScript(RECORD_BEACONS);
    await page.goto(demo.base + COURSE_PATH);
    const coursePage = page.url();
    await page.click('text=Home');
    await page.waitForURL(`${demo.base}/`);

    const close = await demo.waitForEvent((e) => e.event_type === 'page_close', 'page_close');
    expect(close).toMatchObject({
      event_source: 'browser',
      username: 'alice',
      page: coursePage,
      event: '{}', // sent as event='' like Open edX; the endpoint reads an empty payload as {}
      context: { user_id: 42, course_id: COURSE },
    });
    const beacons = await recordedBeacons(page);
    expect(beacons).toHaveLength(1); // once per page life, though pagehide and visibilitychange both fire
    expect(beacons[0]!.url).toBe('/event');
    expect(Object.fromEntries(new URLSearchParams(beacons[0]!.body))).toEqual({
      event_type: 'page_close',
      event: '',
      courserun_key: COURSE,
      page: coursePage,
    });
  });
});
