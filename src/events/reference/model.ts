import type { EventDefinition } from '../define';
import type { EventRegistry } from '../registry';
import { exampleLegacyEvent } from './example';
import { fieldRows, type FieldRow } from './fields';

/** Options of the reference renderers. */
export interface EventReferenceOptions {
  /** The page title. Default: `'Event reference'`. */
  title?: string;
  /**
   * The xAPI statement an example event becomes (it receives the example as tracking.log
   * holds it), or `undefined` when the event has none. Default: no xAPI section.
   */
  xapiStatement?: (exampleEvent: Record<string, unknown>) => unknown;
}

/** What the reference says of one event. */
export interface EventReferenceEntry {
  /** The event's definition. */
  readonly definition: EventDefinition;
  /** The id of its section in the HTML page: the name with every character but letters, digits, `-` and `_` turned to `-`. */
  readonly anchor: string;
  /** The rows of its fields table. */
  readonly fields: FieldRow[];
  /** The example as a tracking.log line holds it. */
  readonly legacyExample: Record<string, unknown>;
  /** The xAPI statement it becomes, or `undefined`. */
  readonly xapi: unknown;
}

/** The entries of the reference, sorted by event name so the output does not depend on declaration order. */
export function referenceEntries(registry: EventRegistry, options: EventReferenceOptions): EventReferenceEntry[] {
  return [...registry.definitions.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((definition) => {
      const legacyExample = exampleLegacyEvent(definition);
      return {
        definition,
        anchor: definition.name.replace(/[^A-Za-z0-9_-]/g, '-'),
        fields: fieldRows(definition.data as Record<string, unknown>),
        legacyExample,
        xapi: options.xapiStatement?.(structuredClone(legacyExample)),
      };
    });
}

/** The first sentence of a description, for the table of contents. */
export function firstSentence(text: string): string {
  const match = /^[\s\S]*?[.!?](?=\s|$)/.exec(text.trim());
  return (match ? match[0] : text.trim()).replace(/\s+/g, ' ');
}
