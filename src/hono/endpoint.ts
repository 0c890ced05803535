import type { EndpointRequest, EndpointResponse } from '../views/endpoint';
import { endpointBody } from './body';
import { nodeBindings, type HonoContextLike, type HonoHandler } from './types';
import { honoVariableUser } from './user';

/** Turns a framework-neutral endpoint into a Hono handler; `getUser` is the handler's own option. */
export function honoEndpoint(
  respond: (request: EndpointRequest) => Promise<EndpointResponse>,
  getUser?: (c: HonoContextLike) => unknown,
): HonoHandler {
  return async (c) => {
    const node = nodeBindings(c);
    if (!node) return c.body('eventtracking: this endpoint needs @hono/node-server', 501, { 'Content-Type': 'text/plain; charset=utf-8' });
    const { stream, parsedBody } = await endpointBody(c, node.incoming);
    const response = await respond({
      method: c.req.method,
      url: node.incoming.url ?? '/',
      headers: node.incoming.headers,
      stream,
      parsedBody,
      getUser: getUser && (() => getUser(c)),
      authLayerUser: () => honoVariableUser(c),
    });
    return c.body(response.body, response.status, { ...response.headers, 'Content-Type': response.contentType });
  };
}
