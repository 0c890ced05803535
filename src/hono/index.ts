/**
 * eventtracking/hono: the request middleware and the inbound endpoints for Hono 4 on
 * Node (@hono/node-server).
 * @packageDocumentation
 */
export { trackMiddleware } from './track-middleware';
export type { HonoTrackMiddlewareOptions } from './track-middleware';
export { userTrackHandler } from './user-track-handler';
export type { HonoUserTrackHandlerOptions } from './user-track-handler';
export { segmentioHandler } from './segmentio-handler';
export type { SegmentioOptions } from '../views/segmentio-endpoint';
export { browserScriptHandler } from './browser-script';
export type { BrowserScriptOptions } from '../views/browser-script';
export type { HonoContextLike, HonoHandler, HonoMiddleware } from './types';
export { CMS_IGNORE_URL_PATTERNS, LMS_IGNORE_URL_PATTERNS } from '../request/ignore';
