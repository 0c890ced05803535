/**
 * eventtracking/express: the request middleware and the inbound endpoints for Express 4 and 5.
 * @packageDocumentation
 */
export { trackMiddleware } from './track-middleware';
export type { TrackMiddlewareOptions } from './track-middleware';
export { userTrackHandler } from './user-track-handler';
export type { UserTrackHandlerOptions } from './user-track-handler';
export type { ExpressHandler, ExpressRequest, NextFunction } from './request';
export { segmentioHandler } from './segmentio-handler';
export type { SegmentioOptions } from '../views/segmentio-endpoint';
export { browserScriptHandler } from './browser-script';
export type { BrowserScriptOptions } from '../views/browser-script';
export { CMS_IGNORE_URL_PATTERNS, LMS_IGNORE_URL_PATTERNS } from '../request/ignore';
export { eventViewerMiddleware } from './event-viewer';
