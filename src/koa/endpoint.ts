import { koaPassportUser } from './user';
import type { EndpointRequest, EndpointResponse } from '../views/endpoint';
import type { KoaContext, KoaMiddleware } from './context';

/** Turns a framework-neutral endpoint into a Koa middleware that answers the request; `getUser` is the handler's own option. */
export function koaEndpoint(
  respond: (request: EndpointRequest) => Promise<EndpointResponse>,
  getUser?: (ctx: KoaContext) => unknown,
): KoaMiddleware {
  return async (ctx) => {
    const response = await respond({
      method: ctx.method,
      url: ctx.originalUrl,
      headers: ctx.req.headers,
      stream: ctx.req,
      parsedBody: ctx.request.body,
      getUser: getUser && (() => getUser(ctx)),
      authLayerUser: () => koaPassportUser(ctx),
    });
    ctx.status = response.status;
    for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
    ctx.type = response.contentType;
    ctx.body = response.body;
  };
}
