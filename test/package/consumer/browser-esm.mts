// A browser consumer (DOM types, no Node types), type-checked in a scratch app by
// test/package.test.ts: the ES module entry, and the classic script's globals.
import { Logger, createLogger, type EventLogger } from 'eventtracking/browser';
import 'eventtracking/browser/global';
// @ts-expect-error: the ES module has no default export
import browserDefault from 'eventtracking/browser';

Logger.log('edx.scratch', { ok: true });
window.Logger.log('edx.scratch.global', {});

export { browserDefault };
export const own: EventLogger = createLogger();
