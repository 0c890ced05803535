import { checkViewerPath, DEFAULT_VIEWER_PATH, serveViewerAt } from '../viewer/mount';
import type { EventViewer } from '../viewer/viewer';
import type { FastifyPluginLike, FastifyReplyLike, FastifyRequestLike } from './types';

/**
 * Mounts the live event viewer (`createEventViewer` of `eventtracking/viewer`) at
 * `path`, as a plugin declaring the page's routes: `await app.register(eventViewerMiddleware(viewer))`.
 * The viewer writes the raw response (its event stream stays open), so the reply is hijacked.
 *
 * @param options.path - Where the viewer's page is. Default: `'/__events'`.
 */
export function eventViewerMiddleware(viewer: EventViewer, options: { path?: string } = {}): FastifyPluginLike {
  const path = checkViewerPath('eventViewerMiddleware', options.path ?? DEFAULT_VIEWER_PATH);
  const handler = (request: FastifyRequestLike, reply: FastifyReplyLike): void => {
    reply.hijack();
    serveViewerAt(viewer, path, request.raw, reply.raw);
  };
  return function eventtrackingViewer(instance, _options, done) {
    instance.route({ method: 'GET', url: path, handler });
    instance.route({ method: 'GET', url: `${path}/*`, handler });
    done();
  };
}
