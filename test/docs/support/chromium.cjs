// Real Chromium for the browser blocks, as test/browser/chromium.ts starts it (DESIGN.md,
// "Testing with real parts"): Debian's chromium driven by playwright-core.
'use strict';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Opens `url` in a new Chromium, runs `use(page, messages)` and closes the browser.
 * `messages` collects what the page logs (`console.log`), and its errors as `error: ...`;
 * not the browser's own network lines ("Failed to load resource", a missing favicon).
 */
async function withPage(url, use) {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    const messages = [];
    page.on('console', (message) => {
      if (message.text().startsWith('Failed to load resource')) return;
      messages.push(message.type() === 'log' ? message.text() : `${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => messages.push(`error: ${error.message}`));
    await page.goto(url);
    return await use(page, messages);
  } finally {
    await browser.close();
  }
}

module.exports = { withPage };
