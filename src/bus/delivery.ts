import { EventEmissionExit, toError } from '../core/errors';
import type { ErrorReporter, Processor, ProcessorFunction, TrackedEvent } from '../core/types';
import type { WatchedBackend } from './watched-backend';

/** One event of a batch, on its way to the consumer's backends. */
export interface DeliveryItem {
  /** The decoded event (this attempt's own copy). */
  event: TrackedEvent;
  /** The backends that accepted the event on an earlier attempt: not sent to again. */
  done: Set<string>;
  /** Set by {@link deliverBatch}: a processor dropped the event (`EventEmissionExit`). */
  filtered?: boolean;
  /** Set by {@link deliverBatch}: why each backend failed the event on this attempt (unset: none did). */
  failures?: Map<string, Error>;
}

/** A processor with a label for reports. */
export interface LabelledProcessor {
  label: string;
  run: ProcessorFunction;
}

/** Labels processors (already checked: a function or an object with `process`) as RoutingBackend does. */
export function labelProcessors(processors: readonly Processor[]): LabelledProcessor[] {
  return processors.map((processor, i) => {
    const label = `processor #${i}`;
    if (typeof processor === 'function') return { label: processor.name || label, run: processor };
    return { label: processor.constructor?.name || label, run: (event: TrackedEvent) => processor.process(event) };
  });
}

/**
 * Runs the processors in order, with RoutingBackend's semantics: a processor returns
 * the new event or nothing (keep it); `EventEmissionExit` drops the event (undefined
 * is returned); any other throw is reported and the next processor runs on the event
 * as it was (fail-open), unless `failClosed`, which drops it.
 */
export function runProcessors(
  processors: readonly LabelledProcessor[],
  event: TrackedEvent,
  report: ErrorReporter,
  failClosed: boolean,
): TrackedEvent | undefined {
  const eventName = typeof event.name === 'string' ? event.name : undefined;
  let current = event;
  for (const { label, run } of processors) {
    try {
      current = run(current) ?? current;
    } catch (thrown) {
      if (thrown instanceof EventEmissionExit) return undefined;
      report(toError(thrown), { stage: 'processor', component: label, eventName });
      if (failClosed) return undefined;
    }
  }
  return current;
}

/**
 * Delivers a batch: processes each event, sends it to every backend (in sorted-name
 * order) that has not accepted it on an earlier attempt, awaits the sends, then
 * flushes each backend that received events, in parallel. Fills in each item's
 * `failures` (left unset: every backend accepted it — durably, as far as its flush
 * can tell) and adds the backends that accepted it to `done`.
 */
export async function deliverBatch(
  items: readonly DeliveryItem[],
  backends: readonly WatchedBackend[],
  processors: readonly LabelledProcessor[],
  report: ErrorReporter,
  failClosed: boolean,
): Promise<void> {
  const sentTo = new Map<WatchedBackend, { item: DeliveryItem; rawName: unknown; event: TrackedEvent }[]>();
  const pending: Promise<void>[] = [];
  const fail = (item: DeliveryItem, name: string, error: Error): void => void (item.failures ??= new Map()).set(name, error);
  for (const item of items) {
    item.failures = undefined;
    const rawName = item.event.name;
    const processed = runProcessors(processors, item.event, report, failClosed);
    if (processed === undefined) {
      item.filtered = true;
      continue;
    }
    for (const backend of backends) {
      if (item.done.has(backend.name)) continue;
      let list = sentTo.get(backend);
      if (!list) sentTo.set(backend, (list = []));
      list.push({ item, rawName, event: processed });
      const result = backend.send(processed);
      if (result instanceof Promise) {
        pending.push(result.then((error) => void (error && fail(item, backend.name, error))));
      } else if (result) {
        fail(item, backend.name, result);
      }
    }
  }
  await Promise.all(pending);
  await Promise.all(
    [...sentTo].map(async ([backend, list]) => {
      const outcome = await backend.flush();
      for (const { item, rawName, event } of list) {
        if (item.failures?.has(backend.name)) continue;
        let error = outcome.all;
        if (!error && outcome.byName.size > 0) {
          error = (typeof rawName === 'string' ? outcome.byName.get(rawName) : undefined) ?? (typeof event.name === 'string' ? outcome.byName.get(event.name) : undefined);
        }
        if (error) fail(item, backend.name, error);
        else item.done.add(backend.name);
      }
    }),
  );
}
