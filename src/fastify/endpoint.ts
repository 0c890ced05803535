import type { EndpointRequest, EndpointResponse } from '../views/endpoint';
import type { FastifyPluginLike, FastifyReplyLike, FastifyRequestLike } from './types';
import { fastifyPassportUser } from './user';

/** Every method Fastify routes; the endpoints answer the ones they do not take with 405 themselves. */
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

/**
 * Turns a framework-neutral endpoint into a Fastify plugin serving it at `path`, for
 * every method. The plugin is encapsulated and takes every content type without
 * parsing it, so the endpoint reads the body itself, as it does without a body parser
 * on Express (the app's own parsers and their 415 stay out of its way).
 */
export function fastifyEndpoint(
  path: string,
  respond: (request: EndpointRequest) => Promise<EndpointResponse>,
  getUser?: (request: FastifyRequestLike) => unknown,
): FastifyPluginLike {
  const handler = async (request: FastifyRequestLike, reply: FastifyReplyLike): Promise<void> => {
    const response = await respond({
      method: request.method,
      url: request.originalUrl ?? request.raw.url ?? request.url,
      headers: request.raw.headers,
      stream: request.raw,
      parsedBody: request.body,
      getUser: getUser && (() => getUser(request)),
      authLayerUser: () => fastifyPassportUser(request),
    });
    reply.code(response.status);
    for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
    reply.header('Content-Type', response.contentType);
    reply.send(response.body);
  };
  return function eventtrackingEndpoint(instance, _options, done) {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, next) => next(null, undefined));
    instance.route({ method: ALL_METHODS, url: path, handler });
    done();
  };
}
