import type { EndpointRequest, EndpointResponse } from '../views/endpoint';
import type { KoaContext, KoaMiddleware } from './context';

/** Turns a framework-neutral endpoint into a Koa middleware that answers the request. */
export function koaEndpoint(
  respond: (request: EndpointRequest) => Promise<EndpointResponse>,
  getUser: (ctx: KoaContext) => unknown = (ctx) => ctx.state.user,
): KoaMiddleware {
  return async (ctx) => {
    const response = await respond({
      method: ctx.method,
      url: ctx.originalUrl,
      headers: ctx.req.headers,
      stream: ctx.req,
      parsedBody: ctx.request.body,
      get user() {
        return getUser(ctx);
      },
    });
    ctx.status = response.status;
    for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
    ctx.type = response.contentType;
    ctx.body = response.body;
  };
}
