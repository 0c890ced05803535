/**
 * `eventtracking/viewer`: the live event viewer, for development. Create it with
 * {@link createEventViewer} and mount it with `eventViewerMiddleware` of
 * `eventtracking/express` or `eventtracking/koa` (or call `viewer.handle(req, res)`).
 * @packageDocumentation
 */
export { createEventViewer, VIEWER_BACKEND_NAME, type EventViewer, type EventViewerOptions } from './viewer';
export type { ViewerEntry } from './entry';
export { DEFAULT_VIEWER_PATH, serveViewerAt } from './mount';
