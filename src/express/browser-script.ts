import { browserScriptResponder, type BrowserScriptOptions } from '../views/browser-script';
import type { ExpressHandler } from './request';

/**
 * Serves the browser Logger as a classic script (`dist/browser/global.js`, which defines
 * `window.Logger` and `window.log_event`) for pages without a bundler: read once, here;
 * answered with an ETag (304 on a match), `Cache-Control`, and gzip when the browser
 * accepts it; other methods than GET and HEAD go on to the next handler. Throws now,
 * naming `npm run build`, if the file is missing.
 *
 * @example app.get('/eventtracking.js', browserScriptHandler())
 * // then, in the page: <script src="/eventtracking.js"></script>
 */
export function browserScriptHandler(given: BrowserScriptOptions = {}): ExpressHandler {
  const respond = browserScriptResponder(given);
  return function browserScript(req, res, next) {
    const response = respond(req.method, req.headers);
    if (!response) return next();
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    res.end(response.body);
  };
}
