/** Exponential backoff settings, in ms. */
export interface BackoffSettings {
  /** The first delay. */
  initial: number;
  /** The longest delay. */
  max: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): `initial`
 * doubled each time, capped at `max`, with up to 20% of random jitter taken off so
 * that many producers do not retry in lockstep.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings): number {
  const base = Math.min(settings.max, settings.initial * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.max(0, Math.round(base * (1 - Math.random() * 0.2)));
}

/**
 * The delay before retry number `attempt` after `thrown`: {@link backoffDelay}, or the
 * wait the error asks for in a `retryAfterMs` property (an HTTP `Retry-After`) when longer.
 */
export function retryDelay(thrown: unknown, attempt: number, settings: BackoffSettings): number {
  const asked = (thrown as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  const backoff = backoffDelay(attempt, settings);
  return typeof asked === 'number' && asked > backoff ? asked : backoff;
}

/** Resolves after `ms`; a timer that does not keep the process alive when `unref` is set. */
export function sleep(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}
