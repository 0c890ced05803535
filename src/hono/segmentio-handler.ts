import { segmentioOptions, segmentioResponder, type SegmentioOptions } from '../views/segmentio-endpoint';
import { honoEndpoint } from './endpoint';
import type { HonoHandler } from './types';

/**
 * The Segment webhook for mobile events, as the Express `segmentioHandler`; see
 * {@link SegmentioOptions}. Its own requests get no page event. Unknown options and
 * options of the wrong type throw an `OptionsError`.
 *
 * @example app.post('/segmentio/event', segmentioHandler({ secret: process.env.SEGMENT_WEBHOOK_SECRET }))
 */
export function segmentioHandler(given: SegmentioOptions = {}): HonoHandler {
  return honoEndpoint(segmentioResponder(segmentioOptions.check(given)));
}
