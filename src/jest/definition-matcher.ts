import { currentEventRegistry, EventRegistry } from '../events/registry';
import { describeProblems } from '../events/report';
import { nameAndPayload } from '../events/shape';
import type { ToMatchEventContext, ToMatchEventResult } from './index';

/**
 * The raw matcher `toMatchEventDefinition`: passes when the received event (a tracker
 * event or a tracking.log event) is declared in the registry and its payload matches
 * the declared schema. The failure message lists every problem with its path. Register
 * it with `expect.extend({ toMatchEventDefinition })` (importing `eventtracking/jest` does).
 *
 * @param registry - Default: the registry made last by `registerEvents`.
 */
export function toMatchEventDefinition(this: ToMatchEventContext | void, received: unknown, registry?: EventRegistry): ToMatchEventResult {
  const context: ToMatchEventContext = this ?? {};
  if (registry !== undefined && !(registry instanceof EventRegistry)) {
    throw new TypeError('toMatchEventDefinition(registry?): registry must be an EventRegistry (from registerEvents)');
  }
  const events = registry ?? currentEventRegistry();
  const { name, data } = nameAndPayload(received);
  const declared = events.get(name) !== undefined;
  const problems = declared ? events.checkPayload(name, data) : [{ event: name, path: '', message: 'the event is not declared' }];
  const pass = problems.length === 0;
  const isNot = context.isNot === true;
  const hint = context.utils
    ? context.utils.matcherHint('toMatchEventDefinition', undefined, '', { isNot, promise: context.promise })
    : `expect(received).${isNot ? 'not.' : ''}toMatchEventDefinition()`;
  const print = context.utils?.printReceived ?? ((value: unknown) => JSON.stringify(value));
  const message = pass
    ? () => `${hint}\n\nThe event '${name}' matches its definition.\n\nReceived: ${print(received)}`
    : () => `${hint}\n\n${describeProblems(problems)}\n\nReceived: ${print(received)}`;
  return { pass, message };
}
