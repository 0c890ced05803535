/**
 * The switch and the counters of the fast paths: shortcuts on the common path (a
 * `tracking.log` line written straight from the branch's copy of an event, without
 * its processors; see `config/legacy-line-lane.ts`) that must write the very bytes
 * the full pipeline writes, and that step aside for the full pipeline whenever they
 * cannot prove it. Differential tests compare the two on generated requests.
 *
 * `EVENTTRACKING_FAST_PATHS=0` in the environment turns them off (read once, at
 * load): the full pipeline for every event, for a suspected difference.
 */
export const fastPaths = {
  /** Whether fast paths may be taken. Default: true, unless `EVENTTRACKING_FAST_PATHS` is `'0'`. */
  enabled: process.env.EVENTTRACKING_FAST_PATHS !== '0',
  /** Events a fast path delivered. */
  taken: 0,
  /** Events a fast path handed to the full pipeline, as it could not prove the same result. */
  declined: 0,
};
