import type { FailureInfo } from './types';

/**
 * Throw this from a processor to drop the event on that processor's branch only
 * (Open edX's `EventEmissionExit`). Other branches still receive the event.
 */
export class EventEmissionExit extends Error {
  constructor(message = 'event dropped by a processor') {
    super(message);
    this.name = 'EventEmissionExit';
  }
}

/** Makes an `Error` of anything thrown. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** Describes a failure in one line: what failed, on which event, and why. */
export function describeFailure(error: Error, info: FailureInfo): string {
  const where = info.component ? `${info.stage} '${info.component}'` : info.stage;
  const event = info.eventName === undefined ? '' : ` (event '${info.eventName}')`;
  return `eventtracking: ${where} failed${event}: ${error.message}`;
}

/** The default `onError`: one concise line on stderr per failure. */
export function logFailure(error: Error, info: FailureInfo): void {
  console.error(describeFailure(error, info));
}
