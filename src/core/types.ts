/** A context: the fields a named context layer contributes to every event. */
export type Context = Record<string, unknown>;

/**
 * An event as the tracker builds it (the "raw" event of Open edX):
 * `{ name, timestamp, data, context }`. Processors may reshape it (the legacy
 * shim turns it into the `tracking.log` layout), so other keys are allowed.
 */
export interface TrackedEvent {
  name?: unknown;
  timestamp?: unknown;
  data?: unknown;
  context?: Context;
  [key: string]: unknown;
}

/**
 * A processor: a function, or an object with a `process` method, that receives the
 * event of its branch. It returns a replacement event, or nothing to keep the
 * (possibly mutated) one. Throwing `EventEmissionExit` drops the event on that branch.
 */
export type ProcessorFunction = (event: TrackedEvent) => TrackedEvent | void | undefined;
export type Processor = ProcessorFunction | { process: ProcessorFunction };

/** Where a failure on the event path happened. */
export type FailureStage = 'emit' | 'processor' | 'backend' | 'serialize' | 'drop' | 'flush' | 'close' | 'reopen' | 'request';

/** What is known about a failure reported through `onError`. */
export interface FailureInfo {
  /** The step that failed. */
  stage: FailureStage;
  /** The backend or processor (or other component) that failed, when known. */
  component?: string;
  /** The name of the event concerned, when known. */
  eventName?: string;
}

/** Receives every failure on the event path. It must not throw. */
export type ErrorReporter = (error: Error, info: FailureInfo) => void;

/**
 * A backend: receives each processed event. `send` may be synchronous or return a
 * promise; a throw or a rejection is reported and never reaches `emit`'s caller.
 */
export interface Backend {
  send(event: TrackedEvent): void | Promise<void>;
  /** Resolves when every event accepted so far has been delivered. */
  flush?(): Promise<void>;
  /** Delivers everything accepted, then releases resources. */
  close?(): Promise<void>;
  /**
   * Resolves when the backend can deliver (its file is open, ...); rejects with an
   * error that explains the problem and its fix. `Tracker.ready()` awaits it.
   */
  ready?(): Promise<void>;
  /** Reopens what the backend writes to (a rotated log file). `Tracker.reopen()` calls it. */
  reopen?(): Promise<void>;
  /**
   * Called once by the router the backend is registered with, so that the backend
   * can report its own asynchronous failures (a write error, a dropped event) to
   * the tracker's `onError`.
   */
  bindErrorReporter?(report: ErrorReporter): void;
}
