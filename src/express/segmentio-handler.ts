import { segmentioResponder, type SegmentioOptions } from '../views/segmentio-endpoint';
import { expressEndpoint } from './endpoint';
import type { ExpressHandler } from './request';

/**
 * The Segment webhook for mobile events (Open edX's `/segmentio/event`); see
 * {@link SegmentioOptions}. Mount it after `trackMiddleware`.
 *
 * @example app.post('/segmentio/event', segmentioHandler({ secret: process.env.SEGMENT_WEBHOOK_SECRET }))
 */
export function segmentioHandler(options: SegmentioOptions = {}): ExpressHandler {
  return expressEndpoint(segmentioResponder(options));
}
