import { defineOptions, option, type OptionsOf } from '../core/options';
import type { TrackedEvent } from '../core/types';
import type { TransformerOptions } from './transformers/base';
import { transformerRegistry } from './transformers/default-registry';
import { TransformerRegistry } from './transformers/registry';

const prefixedEventOptions = defineOptions('PrefixedEventProcessor', {
  /** Where transformers are looked up. Default: the shared `transformerRegistry`. */
  registry: option.instance<TransformerRegistry>('a TransformerRegistry', (value) => value instanceof TransformerRegistry),
  /**
   * Receives the transformers' warnings (a `module_id` that is not a usage key...),
   * which Open edX logs. Default: one line on stderr.
   */
  onWarning: option.function<(message: string) => void>(),
});

/** Options of {@link PrefixedEventProcessor}. */
export type PrefixedEventProcessorOptions = OptionsOf<typeof prefixedEventOptions.fields>;

/**
 * Open edX's `track.shim.PrefixedEventProcessor`: gives each event whose name (or
 * name prefix ending in `'.'`) has a registered transformer to that transformer,
 * which rewrites a copy of it into the legacy form — `edx.video.played` from the
 * mobile apps becomes a `play_video` line, `edx.ui.lms.sequence.next_selected` a
 * `seq_next` one. An event no transformer handles goes on unchanged. It expects
 * legacy events, so it runs after `LegacyFieldMappingProcessor`.
 *
 * A transformer that fails (a field missing, a payload string that is not JSON)
 * throws: the router reports it and the event goes on unchanged, as in Open edX.
 */
export class PrefixedEventProcessor {
  /** Where transformers are looked up. */
  readonly registry: TransformerRegistry;
  private readonly transformerOptions: TransformerOptions;

  /** The options of a PrefixedEventProcessor. */
  static readonly options = prefixedEventOptions;

  constructor(given: PrefixedEventProcessorOptions = {}) {
    const options = prefixedEventOptions.check(given);
    this.registry = options.registry ?? transformerRegistry;
    this.transformerOptions = options.onWarning ? { warn: options.onWarning } : {};
  }

  /** The transformed copy of `event`, or nothing (the event unchanged) when no transformer handles it. */
  process(event: TrackedEvent): TrackedEvent | undefined {
    const Transformer = this.registry.find(event.name);
    if (Transformer === undefined) return undefined;
    const transformer = new Transformer(event, this.transformerOptions);
    transformer.transform();
    return transformer.event;
  }
}
