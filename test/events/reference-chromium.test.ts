// The generated HTML reference as a reader sees it, in real Chromium: its structure
// (navigation, one section per event with its fields table and example), not its pixels.
import type { Browser } from 'playwright-core';
import { describeInChromium, launchChromium, watchForErrors } from '../browser/chromium';
import { renderEventReferenceHtml } from '../../src/events';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { events } = require('../../examples/express/events.js');

describeInChromium('the HTML event reference in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('has a navigation entry and a section per event; the links lead to the sections', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const problems = watchForErrors(page);
    await page.setContent(renderEventReferenceHtml(events, { title: 'Demo events' }));
    expect(await page.title()).toBe('Demo events');
    const names = ['edx.course.enrollment.activated', 'edx.user.login', 'pause_video', 'play_video'];
    expect(await page.locator('nav li').allTextContents()).toEqual(names);
    expect(await page.locator('section.event h2').allTextContents()).toEqual(names);
    const sections = await page.locator('section.event').evaluateAll((nodes) =>
      nodes.map((node) => ({
        headers: [...node.querySelectorAll('table.fields th')].map((th) => th.textContent),
        rows: node.querySelectorAll('table.fields tbody tr').length,
        example: JSON.parse(node.querySelector('pre.example')?.textContent ?? 'null').event_type,
        facts: node.querySelector('dl.facts')?.textContent,
      })),
    );
    expect(sections.map((s) => s.example)).toEqual(names);
    expect(sections.map((s) => s.rows)).toEqual([2, 1, 3, 3]);
    for (const section of sections) expect(section.headers).toEqual(['Field', 'Type', 'Required', 'Description']);
    expect(sections[3]?.facts).toBe('Owner' + 'demo: video' + 'Emitted from' + 'browser');
    // The navigation stays in view beside the content, and a link scrolls its section into view.
    const nav = await page.locator('nav').boundingBox();
    const main = await page.locator('main').boundingBox();
    expect(nav && main && nav.x + nav.width <= main.x).toBe(true);
    await page.locator('nav a', { hasText: 'play_video' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('#play_video');
    const top = await page.locator('#play_video').evaluate((node) => node.getBoundingClientRect().top);
    expect(Math.abs(top)).toBeLessThan(5);
    expect(problems).toEqual([]);
    await page.close();
  });
});
