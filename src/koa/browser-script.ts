import { browserScriptResponder, type BrowserScriptOptions } from '../views/browser-script';
import type { KoaMiddleware } from './context';

/**
 * Serves the browser Logger as a classic script, as the Express `browserScriptHandler`:
 * read once, here; an ETag (304 on a match), `Cache-Control`, gzip when the browser
 * accepts it. Other methods than GET and HEAD go on to `next`. Throws now, naming
 * `npm run build`, if the file is missing.
 *
 * @example router.get('/eventtracking.js', browserScriptHandler())
 * // then, in the page: <script src="/eventtracking.js"></script>
 */
export function browserScriptHandler(given: BrowserScriptOptions = {}): KoaMiddleware {
  const respond = browserScriptResponder(given);
  return async function browserScript(ctx, next) {
    const response = respond(ctx.method, ctx.req.headers);
    if (!response) {
      await next();
      return;
    }
    ctx.status = response.status;
    for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
    // Koa would set its own Content-Type and Content-Length from a body; the answer carries both.
    if (response.body) ctx.body = response.body;
    ctx.set('Content-Type', response.headers['Content-Type'] as string);
  };
}
