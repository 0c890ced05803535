import type { ErrorReporter, FailureInfo } from './types';

interface Channel {
  /** When the last report of this channel went out (ms since epoch). */
  lastAt: number;
  /** Failures seen since then and not reported yet. */
  held: number;
  /** The most recent of them (built only if it is reported). */
  lastError?: () => Error;
  lastInfo?: FailureInfo;
  timer?: NodeJS.Timeout;
}

/**
 * Reports failures of one kind (a channel such as `'drop'` or `'delivery'`) at most
 * once per `intervalMs`: the first failure goes out at once; the ones that follow
 * within the interval are counted and summed up in one report when it ends
 * ("and 41 more like it; the last: ..."). A dead Segment endpoint thus costs a
 * few lines on stderr, not one per event. Timers are unref'd: they never keep the
 * process alive, and {@link ThrottledReporter.flush} sends what is held at once.
 */
export class ThrottledReporter {
  private readonly channels = new Map<string, Channel>();

  /**
   * @param report - returns the reporter to use now (it may be re-bound later).
   * @param intervalMs - the shortest time between two reports of one channel.
   */
  constructor(
    private readonly report: () => ErrorReporter,
    private readonly intervalMs: number,
  ) {}

  /**
   * Reports the error `describe` builds now, or holds it for the channel's next
   * summary. The error is built only when it is reported: a failure held costs a
   * counter increment, not an `Error` and its stack.
   */
  note(channel: string, describe: () => Error, info: FailureInfo): void {
    let state = this.channels.get(channel);
    if (state === undefined) {
      state = { lastAt: -Infinity, held: 0 };
      this.channels.set(channel, state);
    }
    const now = Date.now();
    if (state.held === 0 && now - state.lastAt >= this.intervalMs) {
      state.lastAt = now;
      this.report()(describe(), info);
      return;
    }
    state.held++;
    state.lastError = describe;
    state.lastInfo = info;
    if (!state.timer) {
      const held = state;
      state.timer = setTimeout(() => this.summarize(held), Math.max(0, state.lastAt + this.intervalMs - now));
      state.timer.unref();
    }
  }

  /** Sends every held summary now. */
  flush(): void {
    for (const state of this.channels.values()) this.summarize(state);
  }

  private summarize(state: Channel): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    if (state.held === 0 || !state.lastError || !state.lastInfo) return;
    const { held, lastInfo } = state;
    const lastError = state.lastError();
    state.held = 0;
    state.lastError = undefined;
    state.lastAt = Date.now();
    const more = held === 1 ? '1 more failure like it' : `${held} more failures like it`;
    // A summary covers many events: it names the last one in its message, not in `eventName`.
    const event = lastInfo.eventName === undefined ? '' : ` (event '${lastInfo.eventName}')`;
    this.report()(new Error(`${more} since the previous report; the last${event}: ${lastError.message}`), {
      stage: lastInfo.stage,
      component: lastInfo.component,
    });
  }
}
