import { segmentioOptions, segmentioResponder, type SegmentioOptions } from '../views/segmentio-endpoint';
import { expressEndpoint } from './endpoint';
import type { ExpressHandler } from './request';

/**
 * The Segment webhook for mobile events (Open edX's `/segmentio/event`); see
 * {@link SegmentioOptions}. Mount it after `trackMiddleware`; its own requests get no
 * page event, whatever path it is mounted at. Unknown options and options of the
 * wrong type throw an `OptionsError`.
 *
 * @example app.post('/segmentio/event', segmentioHandler({ secret: process.env.SEGMENT_WEBHOOK_SECRET }))
 */
export function segmentioHandler(given: SegmentioOptions = {}): ExpressHandler {
  return expressEndpoint(segmentioResponder(segmentioOptions.check(given)));
}
