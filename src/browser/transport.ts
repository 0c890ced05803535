import { urlWithQuery, type EventRequest } from './wire';

/** Told of a request that failed on the network. */
export type FailureReporter = (error: unknown, eventType: string) => void;

/**
 * Sends an event with `fetch()`. Resolves with the server's Response whatever its
 * status; on a network failure resolves with `Response.error()` (status 0, type
 * `'error'`) after telling `report`. Never rejects, never throws.
 */
export function sendWithFetch(request: EventRequest, report: FailureReporter): Promise<Response> {
  const failed = (error: unknown): Response => {
    report(error, request.eventType);
    return Response.error();
  };
  try {
    const sent =
      request.method === 'GET'
        ? fetch(urlWithQuery(request.url, request.form), { ...request.init, method: 'GET' })
        : fetch(request.url, { ...request.init, method: 'POST', body: request.form });
    return sent.catch(failed);
  } catch (error) {
    return Promise.resolve(failed(error)); // no fetch at all, or options it rejects synchronously
  }
}

/**
 * Sends an event with `navigator.sendBeacon`, which outlives the page: always a POST
 * of the form, without custom headers. The browser does not expose the answer, so
 * this resolves with a stand-in Response of status 202. If there is no sendBeacon,
 * it refuses (over its quota), or the request is a GET, it falls back to {@link sendWithFetch}.
 */
export function sendWithBeacon(request: EventRequest, report: FailureReporter): Promise<Response> {
  let queued = false;
  if (request.method === 'POST' && typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
    try {
      queued = navigator.sendBeacon(request.url, request.form);
    } catch {
      queued = false; // e.g. a URL the browser rejects; fetch reports the reason
    }
  }
  if (!queued) return sendWithFetch(request, report);
  return Promise.resolve(new Response(null, { status: 202, statusText: 'Accepted (sendBeacon)' }));
}
