/**
 * eventtracking/fastify: the request plugin and the inbound endpoints for Fastify 4 and 5.
 * @packageDocumentation
 */
export { trackMiddleware } from './track-middleware';
export type { FastifyRequestHook, FastifyTrackMiddlewareOptions } from './track-middleware';
export { userTrackHandler } from './user-track-handler';
export type { FastifyUserTrackHandlerOptions } from './user-track-handler';
export { segmentioHandler } from './segmentio-handler';
export type { FastifySegmentioOptions } from './segmentio-handler';
export { browserScriptHandler } from './browser-script';
export type { FastifyBrowserScriptOptions } from './browser-script';
export { eventViewerMiddleware } from './event-viewer';
export type { FastifyInstanceLike, FastifyPluginLike, FastifyReplyLike, FastifyRequestLike } from './types';
export { CMS_IGNORE_URL_PATTERNS, LMS_IGNORE_URL_PATTERNS } from '../request/ignore';
