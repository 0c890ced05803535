/**
 * `eventtracking/jest`: the `toMatchEvent` matcher. Importing this module registers it
 * with the global `expect` (when there is one); with `injectGlobals: false`, call
 * `expect.extend({ toMatchEvent })` yourself.
 *
 * ```ts
 * import 'eventtracking/jest';
 * expect(capture.getEvent()).toMatchEvent({ name: 'edx.test', data: { a: 1 } });
 * ```
 * @packageDocumentation
 */
import { EventMatchTolerates, formatEventMismatch, getEventDifferences, pythonRepr } from '../testing/matching';
import type { EventMatchTolerance } from '../testing/matching';
// Brings jest's `expect` package into the program so that its `Matchers` can be augmented
// below (the expect of `@jest/globals`); erased at runtime.
import type {} from 'expect';

/** The part of jest's matcher context `toMatchEvent` reads. */
export interface ToMatchEventContext {
  /** Whether the assertion is negated (`expect(x).not.toMatchEvent(...)`). Default: false. */
  isNot?: boolean;
}

/** What a jest matcher returns. */
export interface ToMatchEventResult {
  /** Whether the event matched. */
  pass: boolean;
  /** The failure message jest prints. */
  message: () => string;
}

/**
 * The raw matcher: passes when `received` matches `expected` as
 * `assertEventMatches(expected, received, tolerate)` would accept it. The failure
 * message lists every difference, then the expected event, the received one and the
 * tolerated flags. Register it with `expect.extend({ toMatchEvent })`.
 *
 * @param tolerate - The flags of `EventMatchTolerates`; an empty set is strict.
 *   Default: `EventMatchTolerates.default()`.
 */
export function toMatchEvent(
  this: ToMatchEventContext | void,
  received: unknown,
  expected: unknown,
  tolerate?: EventMatchTolerance | null,
): ToMatchEventResult {
  const flags = EventMatchTolerates.defaultIfNotDefined(tolerate);
  const differences = getEventDifferences(expected, received, flags);
  const pass = differences.length === 0;
  const isNot = (this as ToMatchEventContext | undefined)?.isNot === true;
  const hint = `expect(received).${isNot ? 'not.' : ''}toMatchEvent(expected)`;
  const message = pass
    ? () => `${hint}\n\nThe event matches, tolerating ${pythonRepr(flags, true)}:\n    ${pythonRepr(received, true)}`
    : () => `${hint}\n\n${formatEventMismatch(expected, received, flags, differences)}`;
  return { pass, message };
}

interface ExpectLike {
  extend(matchers: Record<string, typeof toMatchEvent>): void;
}

const globalExpect = (globalThis as { expect?: Partial<ExpectLike> }).expect;
if (typeof globalExpect?.extend === 'function') globalExpect.extend({ toMatchEvent });

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R, T = {}> {
      /**
       * Passes when the received event matches `expected` as Open edX's
       * `assert_event_matches` would accept it (see `assertEventMatches`).
       *
       * @param tolerate - The flags of `EventMatchTolerates`. Default: `EventMatchTolerates.default()`.
       */
      toMatchEvent(expected: unknown, tolerate?: EventMatchTolerance | null): R;
    }
  }
}

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /**
     * Passes when the received event matches `expected` as Open edX's
     * `assert_event_matches` would accept it (see `assertEventMatches`).
     *
     * @param tolerate - The flags of `EventMatchTolerates`. Default: `EventMatchTolerates.default()`.
     */
    toMatchEvent(expected: unknown, tolerate?: EventMatchTolerance | null): R;
  }
}
