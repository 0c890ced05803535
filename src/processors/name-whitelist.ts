import { EventEmissionExit } from '../core/errors';
import { defineOptions, option, type OptionsOf } from '../core/options';
import type { TrackedEvent } from '../core/types';

const nameWhitelistOptions = defineOptions('NameWhitelistProcessor', {
  /**
   * The event names to keep, matched exactly (no prefix, pattern or case folding): an
   * array, a Set or any other collection of names, not a string. Default: none, so
   * nothing passes.
   */
  whitelist: option.instance<Iterable<string>>('an array or a Set of event names', isNameCollection),
});

/** Options of {@link NameWhitelistProcessor}. */
export type NameWhitelistOptions = OptionsOf<typeof nameWhitelistOptions.fields>;

function isNameCollection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

/**
 * Keeps only events whose `name` is in the whitelist; any other event is dropped on
 * this branch (Open edX's `NameWhitelistProcessor`). An empty whitelist drops all. A
 * list of events (a batch) is filtered item by item, and the list of those kept goes
 * on, empty or not, as in event-tracking.
 */
export class NameWhitelistProcessor {
  /** The options of a NameWhitelistProcessor. */
  static readonly options = nameWhitelistOptions;
  readonly whitelist: ReadonlySet<string>;

  constructor(options: NameWhitelistOptions = {}) {
    this.whitelist = new Set(nameWhitelistOptions.check(options).whitelist ?? []);
  }

  process(event: TrackedEvent): TrackedEvent;
  process(events: readonly TrackedEvent[]): TrackedEvent[];
  process(event: TrackedEvent | readonly TrackedEvent[]): TrackedEvent | TrackedEvent[] {
    if (Array.isArray(event)) return event.filter((item: TrackedEvent) => this.passes(item));
    if (!this.passes(event as TrackedEvent)) {
      throw new EventEmissionExit(`'${String((event as TrackedEvent).name)}' is not in the whitelist`);
    }
    return event as TrackedEvent;
  }

  private passes(event: TrackedEvent): boolean {
    return typeof event?.name === 'string' && this.whitelist.has(event.name);
  }
}
