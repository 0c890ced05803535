import { EventEmissionExit } from '../core/errors';
import type { TrackedEvent } from '../core/types';

/** Options of {@link NameWhitelistProcessor}. */
export interface NameWhitelistOptions {
  /** The event names to keep, matched exactly (no prefix, pattern or case folding). Default: none, so nothing passes. */
  whitelist?: Iterable<string>;
}

/**
 * Keeps only events whose `name` is in the whitelist; any other event is dropped on
 * this branch (Open edX's `NameWhitelistProcessor`). An empty whitelist drops all.
 */
export class NameWhitelistProcessor {
  readonly whitelist: ReadonlySet<string>;

  constructor(options: NameWhitelistOptions = {}) {
    const whitelist = options.whitelist ?? [];
    if (typeof whitelist === 'string' || typeof (whitelist as Partial<Iterable<string>>)[Symbol.iterator] !== 'function') {
      throw new TypeError('NameWhitelistProcessor: whitelist must be an array of event names, not a string');
    }
    this.whitelist = new Set(whitelist);
  }

  process(event: TrackedEvent): void {
    if (typeof event.name !== 'string' || !this.whitelist.has(event.name)) {
      throw new EventEmissionExit(`'${String(event.name)}' is not in the whitelist`);
    }
  }
}
