import { createHash, timingSafeEqual } from 'node:crypto';
import { isPlainObject } from '../encoding/objects';
import { ClientError } from '../request/client-error';
import { decodeUtf8 } from '../request/event-params';
import { defineOptions, option, type OptionsOf } from '../core/options';
import { getTracker } from '../core/registry';
import { trackerOption } from '../request/tracker-option';
import { answer, claimEndpointRequest, queryString, requestBody, type EndpointRequest, type EndpointResponse } from './endpoint';
import { segmentioMappingFields, SegmentioValidationError, trackSegmentioEvent } from './segmentio';

/** Options of the Segment webhook endpoint (`/segmentio/event`), for every framework adapter. */
export const segmentioOptions = defineOptions('segmentioHandler', {
  ...segmentioMappingFields,
  /** The tracker events go to. Default: the default tracker, looked up per request. */
  tracker: trackerOption,
  /**
   * The shared secret Segment sends as `?key=` (Open edX's `TRACKING_SEGMENTIO_WEBHOOK_SECRET`).
   * Without one every request is refused (401). Default: `process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET`.
   */
  secret: option.string(),
  /** The largest body read, in bytes; larger answers 413. Default: 262144. */
  maxBodySize: option.number({ min: 1, integer: true }),
});

/** Options of the Segment webhook endpoint (`segmentioHandler`). */
export type SegmentioOptions = OptionsOf<typeof segmentioOptions.fields>;

const OK: EndpointResponse = { status: 200, body: '', contentType: 'text/plain; charset=utf-8' };

/**
 * Builds the Segment webhook endpoint for any framework (Open edX's
 * `segmentio_event`), from options already checked: it claims the request (which
 * gets no page event), then POST only (405), `?key=` must equal the secret (401, compared
 * in constant time), a body that is not a JSON object is a 400 and one over
 * `maxBodySize` a 413. Then the message is mapped and emitted; an invalid event is
 * still answered 200 (so that a leaked key reveals nothing) and reported to the
 * tracker's `onError`.
 */
export function segmentioResponder(options: SegmentioOptions): (request: EndpointRequest) => Promise<EndpointResponse> {
  const secret = options.secret ?? process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET;
  if (!secret) {
    console.warn('eventtracking: segmentioHandler has no secret, so it refuses every request (401). Set TRACKING_SEGMENTIO_WEBHOOK_SECRET or pass { secret }.');
  }
  const expected = secret ? digest(secret) : undefined;
  return (request) =>
    answer('segmentioHandler', OK, async (setTracker) => {
      claimEndpointRequest(options.tracker);
      if (request.method !== 'POST') throw new ClientError(405, `method ${request.method} is not allowed; use POST`, { Allow: 'POST' });
      const key = new URLSearchParams(queryString(request.url)).getAll('key').pop();
      if (!expected || !key || !timingSafeEqual(digest(key), expected)) throw new ClientError(401, 'Unauthorized');
      const tracker = options.tracker ?? getTracker();
      setTracker(tracker);
      const message = await readMessage(request, options.maxBodySize ?? 262144);
      try {
        await trackSegmentioEvent(tracker, message, options);
      } catch (error) {
        if (!(error instanceof SegmentioValidationError)) throw error;
        tracker.reportFailure(error, { stage: 'request', component: 'segmentioHandler', eventName: error.eventName });
      }
      return OK;
    });
}

/** Equal-length digests, so that comparing them takes the same time whatever the key. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

async function readMessage(request: EndpointRequest, maxBodySize: number): Promise<Record<string, unknown>> {
  const body = await requestBody(request, maxBodySize);
  let message: unknown;
  if ('parsed' in body) {
    message = body.parsed;
  } else {
    const text = decodeUtf8(body.raw);
    try {
      message = JSON.parse(text);
    } catch (error) {
      throw new ClientError(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isPlainObject(message)) throw new ClientError(400, 'the body must be a JSON object (a Segment message)');
  return message;
}
