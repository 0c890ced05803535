import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { logFailure, toError } from '../core/errors';
import { ClientError } from '../request/client-error';
import { readBody } from '../request/event-params';
import type { Tracker } from '../core/tracker';

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
  /** The request's user, when there is one. */
  user: unknown;
}

/** What an endpoint answers; the adapter writes it. */
export interface EndpointResponse {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
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
