// A CommonJS consumer of the browser entry (a test runner with jsdom), type-checked in a
// scratch app by test/package.test.ts.
import browser = require('eventtracking/browser');

browser.Logger.log('edx.scratch', { ok: true });
// @ts-expect-error: not an export
browser.noSuchExport();
