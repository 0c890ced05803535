import { option, type OptionsOf } from '../core/options';
import { segmentioOptions, segmentioResponder } from '../views/segmentio-endpoint';
import { fastifyEndpoint } from './endpoint';
import type { FastifyPluginLike } from './types';

const fastifySegmentioOptions = segmentioOptions.extend('segmentioHandler', {
  /** The path the webhook answers at. Default: `'/segmentio/event'`. */
  path: option.string({ nonEmpty: true }),
});

/** Options of the Fastify {@link segmentioHandler}: the Express ones and `path`. */
export type FastifySegmentioOptions = OptionsOf<typeof fastifySegmentioOptions.fields>;

/**
 * The Segment webhook for mobile events, as the Express `segmentioHandler`, as a
 * plugin declaring its route. Its own requests get no page event. Unknown options and
 * options of the wrong type throw an `OptionsError`.
 *
 * @example await app.register(segmentioHandler({ secret: process.env.SEGMENT_WEBHOOK_SECRET }))
 */
export function segmentioHandler(given: FastifySegmentioOptions = {}): FastifyPluginLike {
  const { path, ...options } = fastifySegmentioOptions.check(given);
  return fastifyEndpoint(path ?? '/segmentio/event', segmentioResponder(options));
}
