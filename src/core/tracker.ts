import { asyncContextLocator, isContextLocator, type ContextFrame, type ContextLocator } from './context';
import { defineOptions, option, type OptionsOf } from './options';
import { logFailure, toError } from './errors';
import { isPythonFalsy } from '../encoding/python-truth';
import { backendsOption, processorsOption, RoutingBackend } from './routing';
import { now } from '../encoding/timestamp';
import type { Backend, Context, ErrorReporter, FailureInfo, Processor, TrackedEvent } from './types';

/** The name given to an event emitted without one (Open edX's `UNKNOWN_EVENT_TYPE`). */
export const UNKNOWN_EVENT_TYPE = 'unknown';

const trackerOptions = defineOptions('Tracker', {
  /** Backends by name, called in sorted-name order. Default: none. */
  backends: backendsOption,
  /** Processors run on every event before the backends. Default: none. */
  processors: processorsOption,
  /** Where contexts live. Default: {@link asyncContextLocator} (one frame per async flow). */
  contextLocator: option.instance<ContextLocator>('a context locator (an object with current(), root() and run())', isContextLocator),
  /**
   * Receives every failure on the event path: a processor or backend that throws, an
   * event that cannot be copied or encoded, an event a backend had to drop. It must
   * not throw. Default: one concise line on stderr per failure.
   */
  onError: option.function<ErrorReporter>(),
  /** The clock for event timestamps (tests freeze it). Default: the system clock, in microseconds. */
  clock: option.function<() => Date>(),
  /**
   * How long, in ms, `flush()` and `close()` wait for the backends (see
   * the {@link RoutingBackend} option `closeTimeout`); then what is left is reported. Default: 12000.
   */
  closeTimeout: option.number({ min: 0 }),
});

/** Options of {@link Tracker}. */
export type TrackerOptions = OptionsOf<typeof trackerOptions.fields>;

/** Counters of a tracker's life so far. */
export interface TrackerStats {
  /** Calls to `emit`. */
  emitted: number;
  /** Failures reported through `onError`. */
  failures: number;
}

/**
 * Builds events and routes them to backends: `emit(name, data)` makes
 * `{ name, timestamp, data, context }` with the merged context of the caller's
 * async flow, and hands it to a root {@link RoutingBackend}. Nothing on the event
 * path throws into the caller of `emit`.
 */
export class Tracker {
  /** The root router: the tracker's processors and backends. */
  readonly routingBackend: RoutingBackend;
  /** Where contexts live. */
  readonly contextLocator: ContextLocator;
  /** Counters; failures are also passed to `onError`. */
  readonly stats: TrackerStats = { emitted: 0, failures: 0 };
  private readonly onError: ErrorReporter;
  private readonly clock: () => Date;
  private closed = false;

  /** The options of a Tracker; `createTracker` checks configuration data with it. */
  static readonly options = trackerOptions;

  constructor(given: TrackerOptions = {}) {
    const options = trackerOptions.check(given);
    this.contextLocator = options.contextLocator ?? asyncContextLocator;
    this.onError = options.onError ?? logFailure;
    this.clock = options.clock ?? now;
    this.routingBackend = new RoutingBackend({ backends: options.backends, processors: options.processors, closeTimeout: options.closeTimeout });
    this.routingBackend.bindErrorReporter(this.reportFailure);
  }

  /** The backends, in the order they are called. */
  get backends(): ReadonlyMap<string, Backend> {
    return this.routingBackend.backends;
  }

  /** The root processors as they were registered, in order. */
  get processors(): readonly Processor[] {
    return this.routingBackend.processors;
  }

  /** The backend registered as `name`; throws when there is none. */
  getBackend(name: string): Backend {
    const backend = this.backends.get(name);
    if (!backend) {
      throw new Error(`No backend named '${name}'; registered: ${[...this.backends.keys()].join(', ') || 'none'}`);
    }
    return backend;
  }

  /** Adds a backend (see {@link RoutingBackend.registerBackend}). */
  registerBackend(name: string, backend: Backend): void {
    this.routingBackend.registerBackend(name, backend);
  }

  /** Appends a root processor (see {@link RoutingBackend.registerProcessor}). */
  registerProcessor(processor: Processor): void {
    this.routingBackend.registerProcessor(processor);
  }

  /**
   * Emits an event. A falsy `name` becomes `'unknown'`; falsy `data` (as Python sees
   * it: `null`, `''`, `0`, `false`, `[]`, `{}`) becomes `{}`. An event held back in the
   * caller's flow (a request's page event, see {@link ContextFrame.held}) is sent
   * first. Never throws.
   */
  emit(name?: string | null, data?: unknown): void {
    this.stats.emitted++;
    const eventName = isPythonFalsy(name) ? UNKNOWN_EVENT_TYPE : String(name);
    try {
      const frame = this.contextLocator.current();
      const held = frame.held;
      if (held !== undefined) {
        frame.held = undefined;
        held.release();
      }
      if (this.closed) {
        this.reportClosed(eventName);
        return;
      }
      this.routingBackend.send(this.buildEvent(eventName, data, frame));
    } catch (thrown) {
      this.reportFailure(toError(thrown), { stage: 'emit', eventName });
    }
  }

  /**
   * Builds now the event `emit(name, data)` would send (its timestamp and context are
   * this moment's) and returns a function that sends it, once, as `emit` does. The
   * request middleware holds a request's page event this way until the request emits
   * another event or ends. Neither this method nor the function throws.
   */
  prepareEmit(name?: string | null, data?: unknown): () => void {
    const eventName = isPythonFalsy(name) ? UNKNOWN_EVENT_TYPE : String(name);
    let event: TrackedEvent | undefined;
    let failure: Error | undefined;
    try {
      event = this.buildEvent(eventName, data, this.contextLocator.current());
    } catch (thrown) {
      failure = toError(thrown);
    }
    let sent = false;
    return () => {
      if (sent) return;
      sent = true;
      this.stats.emitted++;
      if (event === undefined) return this.reportFailure(failure as Error, { stage: 'emit', eventName });
      if (this.closed) return this.reportClosed(eventName);
      try {
        this.routingBackend.send(event);
      } catch (thrown) {
        this.reportFailure(toError(thrown), { stage: 'emit', eventName });
      }
    };
  }

  private buildEvent(name: string, data: unknown, frame: ContextFrame): TrackedEvent {
    return {
      name,
      timestamp: this.clock(),
      data: isPythonFalsy(data) ? {} : data,
      // The cached merge is shared: the router copies the event before anything changes it.
      context: frame.merge() as Context,
    };
  }

  private reportClosed(eventName: string): void {
    this.reportFailure(new Error('the tracker is closed; the event was not sent'), { stage: 'emit', eventName });
  }

  /**
   * Enters the context layer `name` in the caller's frame (inside a request, the
   * request's frame). Entering a name again replaces its fields and keeps its place.
   */
  enterContext(name: string, context: Context): void {
    this.contextLocator.current().enter(name, context);
  }

  /** Exits the context layer `name`; throws when it is not entered. */
  exitContext(name: string): void {
    this.contextLocator.current().exit(name);
  }

  /**
   * Runs `fn` (sync or async) with the layer `name` entered, and returns its result.
   * The layer is entered in a new frame of `fn`'s own, so it is gone when `fn`
   * ends, however it ends, and never visible to concurrent flows. An outer layer of
   * the same name is back in force afterwards (Python deletes it instead).
   */
  context<T>(name: string, context: Context, fn: () => T): T {
    const frame = this.contextLocator.current().child();
    frame.enter(name, context);
    return this.contextLocator.run(frame, fn);
  }

  /** A new object merging every entered layer in entry order (a later layer wins). */
  resolveContext(): Context {
    return { ...this.contextLocator.current().merge() };
  }

  /** Resolves when every event emitted so far has been delivered by every backend. */
  flush(): Promise<void> {
    return this.routingBackend.flush();
  }

  /**
   * Resolves when every backend that can tell is ready to deliver (the tracking.log
   * file is open, created if missing); rejects with the first problem, an error that
   * names the path, the cause and the fix. Await it before `listen`:
   * `await tracker.ready(); app.listen(...)`.
   */
  ready(): Promise<void> {
    return this.routingBackend.ready();
  }

  /**
   * Has every backend that writes to a file write what it holds and open its path
   * anew. Never rejects (failures go to `onError`). For logrotate's `postrotate`:
   * `process.on('SIGHUP', () => void tracker.reopen())`.
   */
  reopen(): Promise<void> {
    return this.routingBackend.reopen();
  }

  /** Delivers everything accepted, then closes every backend. Later emits are reported, not sent. */
  close(): Promise<void> {
    this.closed = true;
    return this.routingBackend.close();
  }

  /**
   * Counts a failure and passes it to `onError`; never throws. Components working for
   * this tracker (a request middleware, a backend) report their failures here.
   */
  readonly reportFailure = (error: Error, info: FailureInfo): void => {
    this.stats.failures++;
    try {
      this.onError(error, info);
    } catch {
      // onError must not throw; if it does, the event path still must not.
    }
  };
}
