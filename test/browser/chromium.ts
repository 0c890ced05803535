// Real Chromium for the browser Logger suites: Debian's `chromium`, driven by playwright-core.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser; `CHROMIUM_PATH` overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Launch flags that work in containers and CI (see DESIGN.md, "Testing with real parts"). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe` when Chromium is installed. Without it the suite is skipped with a loud
 * warning, or, under `REQUIRE_BROWSER=1` (as `.ci/run` sets), fails saying why.
 */
export function describeInChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  const why = `${CHROMIUM} is missing; install Debian's chromium (apt-get install -y chromium), as .ci/run does`;
  if (process.env.REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('runs in real Chromium', () => {
        throw new Error(`REQUIRE_BROWSER=1 but ${why}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED "${name}": ${why}. Set REQUIRE_BROWSER=1 to fail instead of skipping. ***\n`);
  describe.skip(name, body);
}

/** Starts Chromium headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Collects what would break or worry a page: uncaught exceptions and unhandled
 * rejections (`pageerror`) and `console.error` calls. The browser's own network log
 * lines ("Failed to load resource: ... 500") are not the page's errors and are left out.
 */
export function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console.error: ${message.text()}`);
    }
  });
  return problems;
}

/**
 * An init script wrapping `navigator.sendBeacon` so that each call (url and body) is
 * recorded in `sessionStorage.beacons`, which survives the navigation that sends them.
 */
export const RECORD_BEACONS = `(() => {
  const original = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => {
    const calls = JSON.parse(sessionStorage.getItem('beacons') || '[]');
    calls.push({ url: String(url), body: String(data) });
    sessionStorage.setItem('beacons', JSON.stringify(calls));
    return original(url, data);
  };
})();`;

/** The sendBeacon calls {@link RECORD_BEACONS} recorded in this tab. */
export async function recordedBeacons(page: Page): Promise<Array<{ url: string; body: string }>> {
  return JSON.parse((await page.evaluate(() => (globalThis as any).sessionStorage.getItem('beacons'))) ?? '[]');
}
