import { segmentioOptions, segmentioResponder, type SegmentioOptions } from '../views/segmentio-endpoint';
import type { KoaMiddleware } from './context';
import { koaEndpoint } from './endpoint';

/**
 * The Segment webhook for mobile events, as the Express `segmentioHandler`; see
 * {@link SegmentioOptions}. Its own requests get no page event, whatever path it
 * answers. Unknown options and options of the wrong type throw an `OptionsError`.
 *
 * @example router.post('/segmentio/event', segmentioHandler({ secret: process.env.SEGMENT_WEBHOOK_SECRET }))
 */
export function segmentioHandler(given: SegmentioOptions = {}): KoaMiddleware {
  return koaEndpoint(segmentioResponder(segmentioOptions.check(given)));
}
