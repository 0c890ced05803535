import type { EventTransformerClass } from './base';
import { TransformerRegistry } from './registry';
import { ForumThreadViewedEventTransformer } from './forum-thread-viewed';
import { NextSelectedEventTransformer, PreviousSelectedEventTransformer, SequenceTabSelectedEventTransformer } from './sequence';
import { VideoEventTransformer } from './video';

/**
 * The shared registry (Open edX's class-level `EventTransformerRegistry.mapping`),
 * which `PrefixedEventProcessor` uses unless given another. It starts with Open
 * edX's transformers: `edx.ui.lms.sequence.tab_selected`, `...next_selected`,
 * `...previous_selected`, the prefix `edx.video.`, and the mobile apps' screen views
 * (`edx.bi.app.navigation.screen`: forum thread views, the rest dropped).
 */
export const transformerRegistry = new TransformerRegistry();

for (const transformer of [
  SequenceTabSelectedEventTransformer,
  NextSelectedEventTransformer,
  PreviousSelectedEventTransformer,
  VideoEventTransformer,
  ForumThreadViewedEventTransformer,
]) {
  transformerRegistry.register(transformer.matchKey, transformer);
}

/**
 * Registers `transformer` in the shared {@link transformerRegistry} for `matchKey`:
 * an exact event name, or a prefix ending in `'.'` that covers every name starting
 * with it (the longest matching prefix wins; an exact name beats any prefix). It
 * replaces a transformer registered for the same key, built-ins included.
 *
 * @example registerTransformer('edx.problem.checked', ProblemCheckedTransformer)
 * @throws TypeError when `matchKey` is empty or `transformer` is not a class.
 */
export function registerTransformer(matchKey: string, transformer: EventTransformerClass): void {
  transformerRegistry.register(matchKey, transformer);
}
