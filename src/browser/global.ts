// The classic-script build (dist/browser/global.js): defines window.Logger and
// window.log_event for pages without a bundler, as Open edX's logger.js does.
import { Logger, log_event } from './index';
import type { EventLogger } from './logger';

declare global {
  interface Window {
    /** The page's Logger (eventtracking/browser). */
    Logger: EventLogger;
    /** @deprecated Use `Logger.log`. */
    log_event: EventLogger['log'];
  }
}

// globalThis outside a window (a worker, or Node loading it by mistake) instead of a ReferenceError.
const target: Window = typeof window === 'object' ? window : (globalThis as unknown as Window);
target.Logger = Logger;
target.log_event = log_event;
