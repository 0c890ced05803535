import { AsyncLocalStorage } from 'node:async_hooks';
import { assignOwn } from '../encoding/objects';
import type { Context } from './types';

/** An event a flow holds back: see {@link ContextFrame.held}. */
export interface HeldEvent {
  /** Sends the event now if it is still held; later calls do nothing. Never throws. */
  release(): void;
}

/**
 * The named context layers of one async flow, in entry order, with their merge
 * cached until a layer changes.
 */
export class ContextFrame {
  private readonly layers: Map<string, Context>;
  private merged: Context | undefined;
  /**
   * Request-scoped values other than contexts (for example event transactions). A
   * child frame starts with its parent's values, except a child of the root frame:
   * what is set at the process level never leaks into requests.
   */
  readonly values: Map<symbol, unknown>;
  private readonly isRoot: boolean;
  /**
   * An event held back in this flow (the request middleware holds a request's
   * page-request event here), shared with the frames made from this one: the tracker
   * sends it before the next event emitted in the flow, so that the order of events
   * is kept (see `Tracker.emit`). Undefined when nothing is held.
   */
  held: HeldEvent | undefined = undefined;

  constructor(layers?: Iterable<[string, Context]>, values?: Iterable<[symbol, unknown]>, isRoot = false) {
    this.layers = new Map(layers);
    this.values = new Map(values);
    this.isRoot = isRoot;
  }

  /** Enters (or replaces, keeping its position) the layer `name`. */
  enter(name: string, context: Context): void {
    this.layers.set(name, context);
    this.merged = undefined;
  }

  /** Removes the layer `name`; throws when it was never entered. */
  exit(name: string): void {
    if (!this.layers.delete(name)) {
      throw new Error(`exitContext('${name}'): no context named '${name}' is entered`);
    }
    this.merged = undefined;
  }

  /** Whether the layer `name` is entered. */
  has(name: string): boolean {
    return this.layers.has(name);
  }

  /**
   * The layers merged in entry order: a later layer wins on a shared key, and the
   * key keeps the position it was first seen at. The returned object is cached and
   * shared: treat it as read-only.
   */
  merge(): Readonly<Context> {
    if (this.merged === undefined) {
      const merged: Context = {};
      for (const layer of this.layers.values()) assignOwn(merged, layer);
      this.merged = merged;
    }
    return this.merged;
  }

  /** A new frame starting from this one's layers and values (see `values`); changes to it stay in it. */
  child(): ContextFrame {
    const frame = new ContextFrame(this.layers, this.isRoot ? undefined : this.values);
    if (!this.isRoot) frame.held = this.held;
    return frame;
  }
}

/**
 * Finds the frame that contexts are entered into and resolved from, and runs code
 * inside another frame. The default, {@link asyncContextLocator}, follows async flows.
 */
export interface ContextLocator {
  /** The frame of the calling flow. */
  current(): ContextFrame;
  /** The process-level frame, current outside any flow. */
  root(): ContextFrame;
  /** Runs `fn` (and every async continuation it starts) with `frame` as the current frame. */
  run<T>(frame: ContextFrame, fn: () => T): T;
}

/** Whether `value` has the methods of a {@link ContextLocator}. */
export function isContextLocator(value: unknown): value is ContextLocator {
  const locator = value as Partial<Record<keyof ContextLocator, unknown>> | null;
  return typeof locator?.current === 'function' && typeof locator.root === 'function' && typeof locator.run === 'function';
}

const storage = new AsyncLocalStorage<ContextFrame>();
const rootFrame = new ContextFrame(undefined, undefined, true);

/**
 * The default locator: one frame per async flow, kept in an AsyncLocalStorage, so
 * that contexts entered while handling one request are never seen by another.
 * Outside any flow opened with `run` (or {@link openContextFrame}) the current frame
 * is a process-wide root frame.
 */
export const asyncContextLocator: ContextLocator = {
  current: () => storage.getStore() ?? rootFrame,
  root: () => rootFrame,
  run: (frame, fn) => storage.run(frame, fn),
};

/**
 * Runs `fn` in a new frame that starts as a copy of the caller's: what `fn` (and the
 * async work it starts) enters or exits is seen by it alone and gone when it ends.
 */
export function openContextFrame<T>(fn: () => T, locator: ContextLocator = asyncContextLocator): T {
  return locator.run(locator.current().child(), fn);
}

/**
 * Runs `fn` in a new frame that starts from the process root, whatever frame the
 * caller is in: a request's contexts never depend on which flow happened to call the
 * middleware (a pooled connection's callback, say, runs in the flow that opened the
 * connection). The request middleware calls this once per request.
 */
export function openRequestFrame<T>(fn: () => T, locator: ContextLocator = asyncContextLocator): T {
  return locator.run(locator.root().child(), fn);
}
