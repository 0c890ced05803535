import { deepCopy } from '../encoding/copy';
import { EventEmissionExit, logFailure, toError } from './errors';
import { fastPaths } from './fast-paths';
import { defineOptions, option, type OptionsOf } from './options';
import type { Backend, ErrorReporter, Processor, ProcessorFunction, TrackedEvent } from './types';

/** Whether `value` can be registered as a backend: an object with `send(event)`. */
export function isBackend(value: unknown): value is Backend {
  return typeof (value as Partial<Backend> | null)?.send === 'function';
}

/** Whether `value` can be registered as a processor: a function, or an object with `process(event)`. */
export function isProcessor(value: unknown): value is Processor {
  return typeof value === 'function' || typeof (value as Partial<{ process: unknown }> | null)?.process === 'function';
}

/** The option type of a map of backends by name. */
export const backendsOption = option.recordOf(option.instance<Backend>('a backend (an object with send(event))', isBackend));
/** The option type of a list of processors. */
export const processorsOption = option.arrayOf(
  option.instance<Processor>('a processor (a function, or an object with process(event))', isProcessor),
);

const routingBackendOptions = defineOptions('RoutingBackend', {
  /** Backends by name; they are called in sorted-name order. Default: none. */
  backends: backendsOption,
  /** Processors, run in order on this branch's copy of each event. Default: none. */
  processors: processorsOption,
  /**
   * What a processor that throws (anything but `EventEmissionExit`) does to the event.
   * `false` (Open edX's fail-open): the failure is reported and the next processor
   * runs on the event as the failed one left it. `true`: the event is dropped on
   * this branch, and the drop reported. Default: false.
   */
  failClosed: option.boolean(),
  /**
   * How long, in ms, `flush()` and `close()` wait for this branch's backends: for
   * the promises their `send` returned, then for their own `flush()`/`close()`.
   * What has not settled by then is reported (stage `'flush'`/`'close'`, the
   * backend's name) and no longer waited for, so that a backend that never answers
   * cannot hang a shutdown. Default: 12000 (above the Segment backend's own 10000 ms
   * `closeTimeout`, which reports precisely what it could not deliver).
   */
  closeTimeout: option.number({ min: 0 }),
});

/** Options of {@link RoutingBackend}. */
export type RoutingBackendOptions = OptionsOf<typeof routingBackendOptions.fields>;

/**
 * A shortcut through a branch: given the branch's copy of an event, it delivers it
 * itself when it can prove the result is what the branch's processors and backends
 * would have delivered, and declines otherwise (see `fastPaths`).
 */
export interface BranchShortcut {
  /**
   * Delivers `event` (the branch's copy) and returns true, or returns false, having
   * changed nothing, to leave it to the branch's processors and backends.
   */
  send(event: TrackedEvent): boolean;
}

interface NamedProcessor {
  label: string;
  /** The processor as registered. */
  processor: Processor;
  run: ProcessorFunction;
}

/**
 * Routes each event to its backends: it deep-copies the event (so that nothing this
 * branch does is seen by a sibling), runs its processors in order, then hands the
 * result to every backend in sorted-name order. A failing backend is reported and
 * never stops the others. Routers nest to any depth.
 */
export class RoutingBackend implements Backend {
  private readonly backendMap = new Map<string, Backend>();
  private readonly processorList: NamedProcessor[] = [];
  private readonly failClosed: boolean;
  /** Promises returned by backends' send() and not settled yet, with the backend's name. */
  private readonly pending = new Map<Promise<void>, string>();
  private readonly closeTimeout: number;
  private report: ErrorReporter = logFailure;
  /**
   * Whether `send` copies the event. A router without processors whose backends are
   * all routers leaves the copy to them (each copies on entry): one copy per branch
   * either way, and none wasted at the root of the usual tree.
   */
  private copiesEvents = false;
  private shortcut: BranchShortcut | undefined;

  /** The options of a RoutingBackend; `createTracker` checks configuration data with it. */
  static readonly options = routingBackendOptions;

  constructor(given: RoutingBackendOptions = {}) {
    const options = routingBackendOptions.check(given);
    this.failClosed = options.failClosed ?? false;
    this.closeTimeout = options.closeTimeout ?? 12000;
    for (const [name, backend] of Object.entries(options.backends ?? {})) this.registerBackend(name, backend);
    for (const processor of options.processors ?? []) this.registerProcessor(processor);
  }

  /** The backends, in the order they are called. */
  get backends(): ReadonlyMap<string, Backend> {
    return this.backendMap;
  }

  /** The processors as they were registered (functions or processor objects), in the order they run. */
  get processors(): readonly Processor[] {
    return this.processorList.map(({ processor }) => processor);
  }

  /** Adds a backend under `name` (kept in sorted-name order). Throws when it has no `send` method. */
  registerBackend(name: string, backend: Backend): void {
    if (!isBackend(backend)) {
      throw new TypeError(`Backend '${name}' has no send(event) method; a backend is an object with send(event)`);
    }
    if (this.backendMap.has(name)) throw new Error(`A backend named '${name}' is already registered`);
    const sorted = [...this.backendMap, [name, backend] as const].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.backendMap.clear();
    for (const [key, value] of sorted) this.backendMap.set(key, value);
    backend.bindErrorReporter?.(this.report);
    this.updateCopyPolicy();
  }

  /** Appends a processor. Throws when it is neither a function nor an object with `process(event)`. */
  registerProcessor(processor: Processor): void {
    const label = `processor #${this.processorList.length}`;
    if (typeof processor === 'function') {
      this.processorList.push({ label: processor.name || label, processor, run: processor });
    } else if (isProcessor(processor)) {
      this.processorList.push({ label: processor.constructor?.name || label, processor, run: (event) => processor.process(event) });
    } else {
      throw new TypeError(`${label} is not callable: a processor is a function or an object with process(event)`);
    }
    this.updateCopyPolicy();
  }

  /**
   * Gives this branch a shortcut (see {@link BranchShortcut}), taken while
   * `fastPaths.enabled`; `undefined` removes it. Registering a processor or a backend
   * removes it too: it was made for the branch as it was.
   */
  useShortcut(shortcut: BranchShortcut | undefined): void {
    this.shortcut = shortcut;
  }

  private updateCopyPolicy(): void {
    this.shortcut = undefined;
    this.copiesEvents =
      this.processorList.length > 0 || [...this.backendMap.values()].some((backend) => !(backend instanceof RoutingBackend));
  }

  /** Passes `report` down to every backend, so that all failures reach the tracker. */
  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
    for (const backend of this.backendMap.values()) backend.bindErrorReporter?.(report);
  }

  /** Copies, processes and fans out one event. Never throws. */
  send(event: TrackedEvent): void {
    const eventName = typeof event.name === 'string' ? event.name : undefined;
    let copy: TrackedEvent;
    try {
      copy = this.copiesEvents ? deepCopy(event) : event;
    } catch (thrown) {
      this.report(toError(thrown), { stage: 'emit', component: 'copy', eventName });
      return;
    }
    if (this.shortcut !== undefined && fastPaths.enabled && this.takeShortcut(this.shortcut, copy)) return;
    const processed = this.process(copy, eventName);
    if (processed === undefined) return;
    for (const [name, backend] of this.backendMap) this.deliver(name, backend, processed, eventName);
  }

  /** Whether `shortcut` delivered the event; one that throws counts as declining. */
  private takeShortcut(shortcut: BranchShortcut, event: TrackedEvent): boolean {
    let taken = false;
    try {
      taken = shortcut.send(event);
    } catch {
      // The full pipeline runs instead, and reports whatever fails there.
    }
    if (taken) fastPaths.taken++;
    else fastPaths.declined++;
    return taken;
  }

  /** Runs the processors; `undefined` means the event was dropped on this branch. */
  private process(event: TrackedEvent, eventName: string | undefined): TrackedEvent | undefined {
    let current = event;
    for (const { label, run } of this.processorList) {
      try {
        current = run(current) ?? current;
      } catch (thrown) {
        if (thrown instanceof EventEmissionExit) return undefined;
        this.report(toError(thrown), { stage: 'processor', component: label, eventName });
        if (this.failClosed) return undefined;
      }
    }
    return current;
  }

  private deliver(name: string, backend: Backend, event: TrackedEvent, eventName: string | undefined): void {
    const fail = (thrown: unknown): void => this.report(toError(thrown), { stage: 'backend', component: name, eventName });
    try {
      const result = backend.send(event);
      if (result && typeof result.then === 'function') {
        const tracked: Promise<void> = result.then(undefined, fail).finally(() => this.pending.delete(tracked));
        this.pending.set(tracked, name);
      }
    } catch (thrown) {
      fail(thrown);
    }
  }

  /** Resolves when every event sent so far has been delivered by every backend. */
  async flush(): Promise<void> {
    await this.settle('flush', (backend) => backend.flush?.());
  }

  /**
   * Awaits `ready()` of every backend that has one (routers nest); rejects with the
   * first failure in backend order, once every backend has answered.
   */
  async ready(): Promise<void> {
    const results = await Promise.allSettled([...this.backendMap.values()].map(async (backend) => backend.ready?.()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Calls `reopen()` of every backend that has one (routers nest). A failure is
   * reported through `onError` (stage `'reopen'`), never thrown: it runs from a signal handler.
   */
  async reopen(): Promise<void> {
    await this.eachBackend('reopen', async (backend) => {
      await backend.reopen?.();
    });
  }

  /** Delivers everything accepted, then closes every backend. */
  async close(): Promise<void> {
    await this.settle('close', (backend) => backend.close?.());
  }

  private async settle(stage: 'flush' | 'close', step: (backend: Backend) => Promise<void> | undefined): Promise<void> {
    const deadline = Date.now() + this.closeTimeout;
    const waiting = [...this.pending];
    if (waiting.length > 0 && (await beforeDeadline(Promise.all(waiting.map(([promise]) => promise)), deadline)) === 'late') {
      const late = new Map<string, number>();
      for (const [promise, name] of waiting) if (this.pending.has(promise)) late.set(name, (late.get(name) ?? 0) + 1);
      for (const [name, count] of late) {
        const events = count === 1 ? '1 event' : `${count} events`;
        this.report(new Error(`${events} sent to '${name}' did not settle within closeTimeout (${this.closeTimeout} ms); no longer waiting for them`), { stage, component: name });
      }
    }
    await this.eachBackend(stage, async (backend, name) => {
      const result = step(backend);
      if (result && (await beforeDeadline(result, deadline)) === 'late') {
        this.report(new Error(`${stage}() did not finish within closeTimeout (${this.closeTimeout} ms); no longer waiting for it`), { stage, component: name });
      }
    });
  }

  /** Runs `step` on every backend at once; what a step throws is reported under `stage`, never thrown. */
  private async eachBackend(stage: 'flush' | 'close' | 'reopen', step: (backend: Backend, name: string) => Promise<void>): Promise<void> {
    await Promise.all(
      [...this.backendMap].map(async ([name, backend]) => {
        try {
          await step(backend, name);
        } catch (thrown) {
          this.report(toError(thrown), { stage, component: name });
        }
      }),
    );
  }
}

/** Resolves 'done' when `promise` settles, or 'late' at `deadline`, whichever comes first. */
async function beforeDeadline(promise: Promise<unknown>, deadline: number): Promise<'done' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => 'done' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
