import { logFailure, toError } from '../errors';
import { ClientError } from '../request/client-error';
import { paramsFromParsedBody, paramsFromQuery, paramsFromRawBody, readBody } from '../request/event-params';
import { getTracker } from '../registry';
import type { Tracker } from '../tracker';
import { trackUserEvent, type UserTrackOptions, type UserTrackParams } from '../views/user-track';
import type { ExpressHandler, ExpressRequest } from './request';

/** Options of the Express {@link userTrackHandler}. */
export interface UserTrackHandlerOptions extends UserTrackOptions {
  /** The user of a request, whose `username` goes into the event. Default: `req.user`. */
  getUser?: (req: ExpressRequest) => unknown;
}

/**
 * The `/event` endpoint for browser events (Open edX's `user_track`): reads
 * `event_type`, `event` (JSON text), `page` and `courserun_key` from the query (GET)
 * or the body (POST, form-encoded or JSON; parsed here unless a body parser already
 * did), and emits the event with `event_source: 'browser'`. Answers 200 `success`;
 * a malformed request gets a 4xx naming the problem; other methods get 405. Mount it
 * after {@link trackMiddleware} so the event carries the request context.
 *
 * @example app.all('/event', userTrackHandler())
 */
export function userTrackHandler(options: UserTrackHandlerOptions = {}): ExpressHandler {
  const getUser = options.getUser ?? ((req: ExpressRequest) => req.user);
  const maxBodySize = options.maxBodySize ?? 65536;
  return function userTrackHandler(req, res) {
    let tracker: Tracker | undefined;
    const answer = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      if (res.headersSent) return;
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.end(body);
    };
    const handle = async (): Promise<void> => {
      if (req.method !== 'GET' && req.method !== 'POST') {
        res.setHeader('Allow', 'GET, POST');
        throw new ClientError(405, `method ${String(req.method)} is not allowed; use GET or POST`);
      }
      tracker = options.tracker ?? getTracker();
      const params = await readParams(req, maxBodySize);
      const result = await trackUserEvent(tracker, getUser(req), params, options);
      answer(result.status, result.body, 'text/html; charset=utf-8');
    };
    handle().catch((error: unknown) => {
      if (error instanceof ClientError) return answer(error.status, error.message);
      // Not the client's fault: report it, and do not make the browser retry.
      (tracker?.reportFailure ?? logFailure)(toError(error), { stage: 'request', component: 'userTrackHandler' });
      answer(200, 'success', 'text/html; charset=utf-8');
    });
  };
}

async function readParams(req: ExpressRequest, maxBodySize: number): Promise<UserTrackParams> {
  const url = req.originalUrl ?? req.url ?? '';
  const queryStart = url.indexOf('?');
  if (req.method === 'GET') return paramsFromQuery(queryStart < 0 ? '' : url.slice(queryStart + 1));
  if (req.readableEnded) {
    // A body parser ran before us; an unparsed body (none matched its type) reads as empty.
    return req.body === undefined ? {} : paramsFromParsedBody(req.body);
  }
  return paramsFromRawBody(req.headers['content-type'], await readBody(req, maxBodySize));
}
