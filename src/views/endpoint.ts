import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { asyncContextLocator, type ContextFrame } from '../core/context';
import { logFailure, toError } from '../core/errors';
import { findTracker } from '../core/registry';
import type { Tracker } from '../core/tracker';
import { ClientError } from '../request/client-error';
import { readBody } from '../request/event-params';
import { claimRequest } from '../request/held-page-event';
import type { RequestUser } from '../request/request-context';
import { requestUserOf, userOrAnonymous } from '../request/request-user';

/** A request to one of our endpoints, as every framework adapter describes it. */
export interface EndpointRequest {
  method: string;
  /** The request target: path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request stream, read here when no body parser has read it. */
  stream: IncomingMessage;
  /** What a body parser made of the body, when one ran. */
  parsedBody: unknown;
  /**
   * The handler's own `getUser` option, when it has one: it names the user whatever
   * trackMiddleware resolved (null or undefined is an anonymous visitor).
   */
  getUser?: () => unknown;
  /**
   * The user the framework's auth middleware left on the request (Passport's), for a
   * request trackMiddleware did not see; see `userOfAuthLayer`.
   */
  authLayerUser: () => RequestUser | undefined;
}

/**
 * The user of an endpoint's request: the handler's own `getUser` when it has one;
 * else the one trackMiddleware resolved for the request (kept in `frame`), so that
 * an event's `user_id` and `username` describe one user; else the auth layer's.
 */
export function endpointUser(request: EndpointRequest, frame: ContextFrame): RequestUser | undefined {
  if (request.getUser) return userOrAnonymous(request.getUser());
  const kept = requestUserOf(frame);
  return kept ? kept.user : request.authLayerUser();
}

/** What an endpoint answers; the adapter writes it. */
export interface EndpointResponse {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/**
 * Claims the caller's request for one of our endpoints: the page event trackMiddleware
 * holds for it is dropped (see `claimRequest`), so the endpoint's own requests get none
 * wherever it is mounted. Returns the request's frame.
 */
export function claimEndpointRequest(tracker: Tracker | undefined): ContextFrame {
  const frame = (tracker ?? findTracker())?.contextLocator.current() ?? asyncContextLocator.current();
  claimRequest(frame);
  return frame;
}

/** The body of a request: parsed by the framework, or the raw text read here. */
export type RequestBody = { parsed: unknown } | { raw: Buffer };

/**
 * The body of `request`: what a body parser made of it if one consumed the stream,
 * else the stream read here (over `maxBytes` is a 413).
 */
export async function requestBody(request: EndpointRequest, maxBytes: number): Promise<RequestBody> {
  if (request.stream.readableEnded) return { parsed: request.parsedBody };
  return { raw: await readBody(request.stream, maxBytes) };
}

/** The query string of a request target, without the `?`. */
export function queryString(url: string): string {
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
}

/** A plain-text answer. */
export function textResponse(status: number, body: string, headers?: Record<string, string>): EndpointResponse {
  return { status, body, contentType: 'text/plain; charset=utf-8', headers };
}

/**
 * Runs an endpoint and turns what it throws into an answer: a {@link ClientError}
 * becomes its 4xx; anything else is our fault, so it is reported (to the tracker when
 * known) and answered with `fallback`, never a 5xx.
 */
export async function answer(
  component: string,
  fallback: EndpointResponse,
  run: (setTracker: (tracker: Tracker) => void) => Promise<EndpointResponse>,
): Promise<EndpointResponse> {
  let tracker: Tracker | undefined;
  try {
    return await run((t) => {
      tracker = t;
    });
  } catch (error) {
    if (error instanceof ClientError) return textResponse(error.status, error.message, error.headers);
    (tracker?.reportFailure ?? logFailure)(toError(error), { stage: 'request', component });
    return fallback;
  }
}
