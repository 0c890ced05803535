import { ClientError } from '../request/client-error';
import { paramsFromParsedBody, paramsFromQuery, paramsFromRawBody, type UserTrackParams } from '../request/event-params';
import { getTracker } from '../core/registry';
import { answer, claimEndpointRequest, endpointUser, queryString, requestBody, type EndpointRequest, type EndpointResponse } from './endpoint';
import { checkCrossOriginOptions, crossOriginRefusal } from './cross-origin';
import { trackUserEvent, type UserTrackOptions } from './user-track';

const SUCCESS: EndpointResponse = { status: 200, body: 'success', contentType: 'text/html; charset=utf-8' };

/**
 * The `/event` endpoint for any framework, made once per handler: checks the options
 * that go together, and gives the function answering each request (see
 * {@link respondToUserTrack}).
 */
export function userTrackResponder(options: UserTrackOptions): (request: EndpointRequest) => Promise<EndpointResponse> {
  checkCrossOriginOptions('userTrackHandler', options);
  const allowedOrigins = options.refuseCrossOrigin === false ? undefined : new Set(options.allowedOrigins ?? []);
  return (request) => respondToUserTrack(request, options, allowedOrigins);
}

/**
 * Answers one `/event` request: claims the request (it gets no page event), refuses a
 * cross-origin one (403) unless `allowedOrigins` is undefined (the check is off),
 * reads the parameters from the query (GET) or the body (POST), emits the browser
 * event and answers 200 `success`. A malformed request gets a 4xx naming the problem;
 * a failure of ours is reported and still answered 200, so the browser does not
 * retry. Never rejects.
 */
function respondToUserTrack(request: EndpointRequest, options: UserTrackOptions, allowedOrigins: ReadonlySet<string> | undefined): Promise<EndpointResponse> {
  return answer('userTrackHandler', SUCCESS, async (setTracker) => {
    const frame = claimEndpointRequest(options.tracker);
    if (request.method !== 'GET' && request.method !== 'POST') {
      throw new ClientError(405, `method ${request.method} is not allowed; use GET or POST`, { Allow: 'GET, POST' });
    }
    const refusal = allowedOrigins && crossOriginRefusal(request.headers, allowedOrigins);
    if (refusal) throw new ClientError(403, refusal);
    const tracker = options.tracker ?? getTracker();
    setTracker(tracker);
    const params = await readParams(request, options.maxBodySize ?? 65536);
    await trackUserEvent(tracker, endpointUser(request, frame), params, options, request.getUser !== undefined);
    return SUCCESS;
  });
}

async function readParams(request: EndpointRequest, maxBodySize: number): Promise<UserTrackParams> {
  if (request.method === 'GET') return paramsFromQuery(queryString(request.url));
  const body = await requestBody(request, maxBodySize);
  const contentType = request.headers['content-type'];
  if ('raw' in body) return paramsFromRawBody(contentType, body.raw);
  // A body parser ran; one that did not match the content type leaves no body.
  return body.parsed === undefined ? {} : paramsFromParsedBody(contentType, body.parsed);
}
