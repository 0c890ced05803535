import type { ServerResponse } from 'node:http';
import type { EndpointRequest, EndpointResponse } from '../views/endpoint';
import type { ExpressHandler, ExpressRequest } from './request';
import { passportUser } from './user';

/** Turns a framework-neutral endpoint into an Express handler; `getUser` is the handler's own option. */
export function expressEndpoint(
  respond: (request: EndpointRequest) => Promise<EndpointResponse>,
  getUser?: (req: ExpressRequest) => unknown,
): ExpressHandler {
  return (req, res) => {
    void respond({
      method: req.method ?? 'GET',
      url: req.originalUrl ?? req.url ?? '/',
      headers: req.headers,
      stream: req,
      parsedBody: req.body,
      getUser: getUser && (() => getUser(req)),
      authLayerUser: () => passportUser(req),
    }).then((response) => write(res, response));
  };
}

function write(res: ServerResponse, response: EndpointResponse): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.setHeader('Content-Type', response.contentType);
  res.end(response.body);
}
