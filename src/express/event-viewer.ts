import { checkViewerPath, DEFAULT_VIEWER_PATH, serveViewerAt } from '../viewer/mount';
import type { EventViewer } from '../viewer/viewer';
import type { ExpressHandler } from './request';

/**
 * Mounts the live event viewer (`createEventViewer` of `eventtracking/viewer`) at
 * `path`: `app.use(eventViewerMiddleware(viewer))`. `path` is matched against `req.url`,
 * which Express makes relative to where the middleware is mounted: mount it at the app's
 * root for `/__events`. Other requests go on untouched.
 *
 * @param options.path - Where the viewer's page is. Default: `'/__events'`.
 */
export function eventViewerMiddleware(viewer: EventViewer, options: { path?: string } = {}): ExpressHandler {
  const path = checkViewerPath('eventViewerMiddleware', options.path ?? DEFAULT_VIEWER_PATH);
  return (req, res, next) => {
    if (!serveViewerAt(viewer, path, req, res)) next();
  };
}
