/**
 * `eventtracking/jest`: the `toMatchEvent` and `toMatchEventDefinition` matchers.
 * Importing this module registers them with the global `expect` (when there is one);
 * with `injectGlobals: false`, call `expect.extend({ toMatchEvent, toMatchEventDefinition })` yourself.
 *
 * ```ts
 * import 'eventtracking/jest';
 * expect(capture.getEvent()).toMatchEvent({ name: 'edx.test', data: { a: 1 } });
 * expect(capture.getEvent()).toMatchEventDefinition();
 * ```
 * @packageDocumentation
 */
import { describeEventDifference, EventMatchTolerates, formatValue, listEventDifferences } from '../testing/matching';
import type { EventMatchTolerance } from '../testing/matching';
import type { EventRegistry } from '../events/registry';
import { toMatchEventDefinition } from './definition-matcher';
// Brings jest's `expect` package into the program so that its `Matchers` can be augmented
// below (the expect of `@jest/globals`); erased at runtime.
import type {} from 'expect';

/** The part of jest's matcher context (`this` in a matcher) that `toMatchEvent` reads. */
export interface ToMatchEventContext {
  /** Whether the assertion is negated (`expect(x).not.toMatchEvent(...)`). Default: false. */
  isNot?: boolean;
  /** `'rejects'` or `'resolves'` when the received value was a promise. Default: `''`. */
  promise?: string;
  /** jest's matcher utilities; without them (a bare call), the message has no colours. Default: none. */
  utils?: {
    matcherHint(matcherName: string, received?: string, expected?: string, options?: { isNot?: boolean; promise?: string; secondArgument?: string }): string;
    printExpected(value: unknown): string;
    printReceived(value: unknown): string;
  };
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
 * message lists every difference in JavaScript terms, with the flags tolerated, then the
 * expected and the received events, printed as jest prints values. Register it with
 * `expect.extend({ toMatchEvent })`.
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
  const context: ToMatchEventContext = this ?? {};
  const flags = EventMatchTolerates.defaultIfNotDefined(tolerate);
  const differences = listEventDifferences(expected, received, flags);
  const pass = differences.length === 0;
  const isNot = context.isNot === true;
  const print = context.utils ?? { printExpected: formatValue, printReceived: formatValue };
  const hint = context.utils
    ? context.utils.matcherHint('toMatchEvent', undefined, undefined, { isNot, promise: context.promise, secondArgument: tolerate === undefined ? undefined : 'tolerate' })
    : `expect(received).${isNot ? 'not.' : ''}toMatchEvent(expected${tolerate === undefined ? '' : ', tolerate'})`;
  const tolerating = describeTolerance(flags);
  const message = pass
    ? () => `${hint}\n\nThe event matches, ${tolerating}.\n\nExpected: not ${print.printExpected(expected)}\nReceived: ${print.printReceived(received)}`
    : () => {
        const lines = differences.map((difference) => `  ${describeEventDifference(difference, { expected: print.printExpected, received: print.printReceived })}`);
        return `${hint}\n\nThe event differs, ${tolerating}:\n${lines.join('\n')}\n\nExpected: ${print.printExpected(expected)}\nReceived: ${print.printReceived(received)}`;
      };
  return { pass, message };
}

/** `'tolerating string_payload, root_extra_fields and context_extra_fields'`, in the flags' order. */
function describeTolerance(flags: ReadonlySet<string>): string {
  const order = [EventMatchTolerates.STRING_PAYLOAD, EventMatchTolerates.ROOT_EXTRA_FIELDS, EventMatchTolerates.CONTEXT_EXTRA_FIELDS, EventMatchTolerates.PAYLOAD_EXTRA_FIELDS];
  const names = order.filter((flag) => flags.has(flag));
  if (names.length === 0) return 'tolerating nothing (strict)';
  return `tolerating ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`}`;
}

export { toMatchEventDefinition };

interface ExpectLike {
  extend(matchers: Record<string, typeof toMatchEvent | typeof toMatchEventDefinition>): void;
}

const globalExpect = (globalThis as { expect?: Partial<ExpectLike> }).expect;
if (typeof globalExpect?.extend === 'function') globalExpect.extend({ toMatchEvent, toMatchEventDefinition });

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
      /**
       * Passes when the received event is declared in the registry and its payload
       * matches the declared schema; the message lists every problem with its path.
       *
       * @param registry - Default: the registry made last by `registerEvents`.
       */
      toMatchEventDefinition(registry?: EventRegistry): R;
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
    /**
     * Passes when the received event is declared in the registry and its payload
     * matches the declared schema; the message lists every problem with its path.
     *
     * @param registry - Default: the registry made last by `registerEvents`.
     */
    toMatchEventDefinition(registry?: EventRegistry): R;
  }
}
