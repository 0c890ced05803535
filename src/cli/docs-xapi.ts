import { transformToXapi, learnerOf } from '../xapi/transform';
import { fromTrackingLog } from '../xapi/tracking-log';

/**
 * The `xapiStatement` of the Event Reference made by `transformToXapi`: the statement an
 * example tracking.log event becomes with `lmsRootUrl`, the example's user as the actor.
 * An event with no statement gives none; an example the transformer refuses (a field it
 * needs is missing) gives none, and `warn` says why.
 */
export function xapiStatementsFrom(lmsRootUrl: string, warn: (line: string) => void): (legacyExample: Record<string, unknown>) => unknown {
  const options = { lmsRootUrl, actorId: (event: Record<string, unknown>) => learnerOf(event)?.toString() };
  return (legacyExample) => {
    const event = fromTrackingLog(legacyExample);
    if (event === null) return undefined;
    try {
      return transformToXapi(event, options) ?? undefined;
    } catch (problem) {
      warn(`eventtracking docs: no xAPI statement for the example of '${String(legacyExample.event_type)}': ${problem instanceof Error ? problem.message : String(problem)}`);
      return undefined;
    }
  };
}
