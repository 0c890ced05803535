import { EventEmissionExit } from '../core/errors';
import type { TrackedEvent } from '../core/types';

/** Options of {@link RegexFilterProcessor}. */
export interface RegexFilterOptions {
  /** `'allowlist'` keeps only matching events; `'blocklist'` drops matching events. Required. */
  filterType: 'allowlist' | 'blocklist';
  /**
   * JavaScript regular expressions matched against the event name, anchored at the
   * start as Python's `re.match` is (`'edx\\.video'` matches `edx.video.played`,
   * not `x.edx.video`). Default: none.
   */
  regularExpressions?: string[];
}

/**
 * Filters events by name with regular expressions (event-tracking's
 * `RegexFilter`). A dropped event is dropped on this branch only.
 */
export class RegexFilterProcessor {
  readonly filterType: 'allowlist' | 'blocklist';
  private readonly patterns: RegExp[];

  constructor(options: RegexFilterOptions) {
    if (options?.filterType !== 'allowlist' && options?.filterType !== 'blocklist') {
      throw new TypeError(
        `RegexFilterProcessor: filterType must be 'allowlist' or 'blocklist', got ${JSON.stringify(options?.filterType)}`,
      );
    }
    this.filterType = options.filterType;
    this.patterns = (options.regularExpressions ?? []).map((source) => {
      try {
        return new RegExp(`^(?:${source})`);
      } catch (error) {
        throw new SyntaxError(`RegexFilterProcessor: invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`);
      }
    });
  }

  process(event: TrackedEvent): void {
    const name = typeof event.name === 'string' ? event.name : '';
    const matches = this.patterns.some((pattern) => pattern.test(name));
    if (matches !== (this.filterType === 'allowlist')) {
      throw new EventEmissionExit(`'${name}' is filtered out by the ${this.filterType}`);
    }
  }
}
