import { toError } from '../core/errors';
import type { Backend, ErrorReporter, FailureInfo, TrackedEvent } from '../core/types';

/** What a backend's flush told about the events it was sent since the previous one. */
export interface FlushOutcome {
  /** Set when the flush failed as a whole: every event sent to the backend failed. */
  all?: Error;
  /** Failures the backend reported naming an event: every event of that name failed. */
  byName: Map<string, Error>;
}

type Counters = [number, number];

/**
 * A consumer's backend, watched so that the consumer knows whether it accepted each
 * event — which `send` alone does not say, since backends (and routers) report
 * their failures to an error reporter instead of throwing. An event fails on a
 * backend when, during its `send`:
 * - `send` throws, or the promise it returns rejects;
 * - the backend reports a failure through the reporter the consumer bound to it
 *   (anything but a `'processor'` failure, which a fail-open branch survives);
 * - a numeric `dropped` or `failed` counter of the backend goes up;
 *
 * and every event sent to the backend since its last flush fails when, during its
 * `flush()`, the flush rejects (or times out), a counter goes up, or a failure is
 * reported — only the events of that name when the report names one.
 */
export class WatchedBackend {
  private sending = false;
  private sendError?: Error;
  private flushing?: FlushOutcome;

  constructor(
    readonly name: string,
    readonly backend: Backend,
    private readonly forward: ErrorReporter,
    private readonly flushTimeout: number,
  ) {
    backend.bindErrorReporter?.(this.onReport);
  }

  /**
   * Sends one event. Resolves (or returns) the error that failed it, or undefined when
   * the backend accepted it — for now: its flush has the last word.
   */
  send(event: TrackedEvent): Error | undefined | Promise<Error | undefined> {
    const before = this.counters();
    this.sending = true;
    this.sendError = undefined;
    let result: void | Promise<void>;
    try {
      result = this.backend.send(event);
    } catch (thrown) {
      return toError(thrown);
    } finally {
      this.sending = false;
    }
    const error = this.sendError ?? this.counterError(before, 'dropped or failed the event');
    if (error || !result || typeof result.then !== 'function') return error;
    return result.then(
      () => undefined,
      (thrown: unknown) => toError(thrown),
    );
  }

  /** Flushes the backend (within the flush timeout) and says which events it failed. */
  async flush(): Promise<FlushOutcome> {
    const outcome: FlushOutcome = { byName: new Map() };
    const before = this.counters();
    this.flushing = outcome;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`flush did not end within ${this.flushTimeout} ms`)), this.flushTimeout);
      });
      await Promise.race([this.backend.flush?.(), timeout]);
    } catch (thrown) {
      outcome.all ??= toError(thrown);
    } finally {
      clearTimeout(timer);
      this.flushing = undefined;
    }
    outcome.all ??= this.counterError(before, 'dropped or failed events while flushing');
    return outcome;
  }

  private readonly onReport = (error: Error, info: FailureInfo): void => {
    this.forward(error, { ...info, component: info.component ? `${this.name}/${info.component}` : this.name });
    if (info.stage === 'processor') return;
    if (this.sending) {
      this.sendError ??= error;
    } else if (this.flushing) {
      if (info.eventName === undefined) this.flushing.all ??= error;
      else if (!this.flushing.byName.has(info.eventName)) this.flushing.byName.set(info.eventName, error);
    }
    // A report outside both windows (a late summary) changes no outcome: the counters catch those.
  };

  private counters(): Counters | undefined {
    const { dropped, failed } = this.backend as { dropped?: unknown; failed?: unknown };
    if (typeof dropped !== 'number' && typeof failed !== 'number') return undefined;
    return [typeof dropped === 'number' ? dropped : 0, typeof failed === 'number' ? failed : 0];
  }

  private counterError(before: Counters | undefined, what: string): Error | undefined {
    if (!before) return undefined;
    const after = this.counters();
    if (!after || (after[0] <= before[0] && after[1] <= before[1])) return undefined;
    return new Error(`backend '${this.name}' ${what} (its dropped/failed counters went up)`);
  }
}
