import { browserScriptResponder, type BrowserScriptOptions } from '../views/browser-script';
import type { HonoMiddleware } from './types';

/**
 * Serves the browser Logger as a classic script, as the Express `browserScriptHandler`
 * (an ETag, `Cache-Control`, gzip when accepted); other methods than GET and HEAD go
 * on to `next`. Throws now, naming `npm run build`, if the file is missing.
 *
 * @example app.get('/eventtracking.js', browserScriptHandler())
 * // then, in the page: <script src="/eventtracking.js"></script>
 */
export function browserScriptHandler(given: BrowserScriptOptions = {}): HonoMiddleware {
  const respond = browserScriptResponder(given);
  return async function browserScript(c, next) {
    const response = respond(c.req.method, headersOf(c.req.raw.headers));
    if (!response) return next();
    return c.body(response.body ? new Uint8Array(response.body) : null, response.status, response.headers);
  };
}

function headersOf(headers: Headers): Record<string, string> {
  return { 'if-none-match': headers.get('if-none-match') ?? '', 'accept-encoding': headers.get('accept-encoding') ?? '' };
}
