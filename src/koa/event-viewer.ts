import { checkViewerPath, DEFAULT_VIEWER_PATH, serveViewerAt } from '../viewer/mount';
import type { EventViewer } from '../viewer/viewer';
import type { KoaMiddleware } from './context';

/**
 * Mounts the live event viewer (`createEventViewer` of `eventtracking/viewer`) at
 * `path`: `app.use(eventViewerMiddleware(viewer))`. The viewer answers on the raw
 * response (`ctx.respond = false`); other requests go on untouched.
 *
 * @param options.path - Where the viewer's page is. Default: `'/__events'`.
 */
export function eventViewerMiddleware(viewer: EventViewer, options: { path?: string } = {}): KoaMiddleware {
  const path = checkViewerPath('eventViewerMiddleware', options.path ?? DEFAULT_VIEWER_PATH);
  return async (ctx, next) => {
    const url = ctx.req.url;
    if (!serveViewerAt(viewer, path, ctx.req, ctx.res)) {
      await next();
      return;
    }
    ctx.respond = false;
    ctx.req.url = url;
  };
}
