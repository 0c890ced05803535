import { EventEmissionExit } from '../core/errors';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import type { TrackedEvent } from '../core/types';

const regexFilterOptions = defineOptions('RegexFilterProcessor', {
  /** `'allowlist'` keeps only matching events; `'blocklist'` drops matching events. Required. */
  filterType: option.oneOf(['allowlist', 'blocklist'] as const),
  /**
   * JavaScript regular expressions matched against the event name, anchored at the
   * start as Python's `re.match` is (`'edx\\.video'` matches `edx.video.played`,
   * not `x.edx.video`). Default: none.
   */
  regularExpressions: option.arrayOf(option.string()),
});

/** Options of {@link RegexFilterProcessor}. */
export type RegexFilterOptions = OptionsOf<typeof regexFilterOptions.fields> & Required<Pick<OptionsOf<typeof regexFilterOptions.fields>, 'filterType'>>;

/**
 * Filters events by name with regular expressions (event-tracking's
 * `RegexFilter`). A dropped event is dropped on this branch only.
 */
export class RegexFilterProcessor {
  readonly filterType: 'allowlist' | 'blocklist';
  private readonly patterns: RegExp[];

  /** The options of a RegexFilterProcessor. */
  static readonly options = regexFilterOptions;

  constructor(given: RegexFilterOptions) {
    const options = regexFilterOptions.check(given);
    if (options.filterType === undefined) {
      throw new OptionsError('RegexFilterProcessor', "option 'filterType' is required: 'allowlist' or 'blocklist'");
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
