import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventViewer } from './viewer';

/** Where the demo and the adapters mount the viewer by default. */
export const DEFAULT_VIEWER_PATH = '/__events';

/**
 * Serves the request with `viewer` when its path is `path` or under it, and returns
 * true; returns false, touching nothing, otherwise. The request's URL is made relative
 * to `path` for the viewer. What every framework's mount is made of.
 */
export function serveViewerAt(viewer: EventViewer, path: string, req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const [pathname = '/', query] = url.split('?', 2);
  if (pathname !== path && !pathname.startsWith(`${path}/`)) return false;
  const rest = pathname.slice(path.length) || '/';
  req.url = query === undefined ? rest : `${rest}?${query}`;
  viewer.handle(req, res);
  return true;
}

/** Checks a mount path: it starts with `/` and does not end with one. */
export function checkViewerPath(component: string, path: string): string {
  if (typeof path !== 'string' || !/^\/[^?#]*[^/?#]$/.test(path)) {
    throw new TypeError(`${component}: option 'path' must start with '/' and not end with one (e.g. '${DEFAULT_VIEWER_PATH}'), got ${JSON.stringify(path)}`);
  }
  return path;
}
