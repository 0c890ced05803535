import { option, type OptionsOf } from '../core/options';
import { browserScriptOptions, browserScriptResponder } from '../views/browser-script';
import type { FastifyPluginLike, FastifyReplyLike, FastifyRequestLike } from './types';

const fastifyBrowserScriptOptions = browserScriptOptions.extend('browserScriptHandler', {
  /** The path the script is served at. Default: `'/eventtracking.js'`. */
  path: option.string({ nonEmpty: true }),
});

/** Options of the Fastify {@link browserScriptHandler}: the Express ones and `path`. */
export type FastifyBrowserScriptOptions = OptionsOf<typeof fastifyBrowserScriptOptions.fields>;

/**
 * Serves the browser Logger as a classic script, as the Express `browserScriptHandler`
 * (an ETag, `Cache-Control`, gzip when accepted), as a plugin declaring its GET and
 * HEAD route. Throws now, naming `npm run build`, if the file is missing.
 *
 * @example await app.register(browserScriptHandler())
 * // then, in the page: <script src="/eventtracking.js"></script>
 */
export function browserScriptHandler(given: FastifyBrowserScriptOptions = {}): FastifyPluginLike {
  const { path, ...options } = fastifyBrowserScriptOptions.check(given);
  const respond = browserScriptResponder(options);
  const handler = (request: FastifyRequestLike, reply: FastifyReplyLike): void => {
    const response = respond(request.method, request.raw.headers);
    if (!response) return; // only GET and HEAD are routed here
    reply.code(response.status);
    for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
    reply.send(response.body);
  };
  return function eventtrackingScript(instance, _options, done) {
    instance.route({ method: ['GET', 'HEAD'], url: path ?? '/eventtracking.js', handler });
    done();
  };
}
