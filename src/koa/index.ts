/**
 * eventtracking/koa: the request middleware and the inbound endpoints for Koa 2 and 3.
 * @packageDocumentation
 */
export { trackMiddleware } from './track-middleware';
export type { KoaTrackMiddlewareOptions } from './track-middleware';
export { userTrackHandler } from './user-track-handler';
export type { KoaUserTrackHandlerOptions } from './user-track-handler';
export { segmentioHandler } from './segmentio-handler';
export type { SegmentioOptions } from '../views/segmentio-endpoint';
export type { KoaContext, KoaMiddleware } from './context';
export { CMS_IGNORE_URL_PATTERNS, LMS_IGNORE_URL_PATTERNS } from '../request/ignore';
export { browserScriptHandler } from './browser-script';
export type { BrowserScriptOptions } from '../views/browser-script';
export { eventViewerMiddleware } from './event-viewer';
