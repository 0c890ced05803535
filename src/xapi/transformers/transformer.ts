import type { StatementBuilder, StatementParts } from '../statement-builder';
import type { XapiStatement, XapiVerb } from '../statement';

/** Turns one event (through its builder) into its statement, or a problem's statement and its questions' statements. */
export type Transformer = (builder: StatementBuilder) => XapiStatement | XapiStatement[];

/** A transformer of one statement made of `partsOf`'s parts. */
export function oneStatement(partsOf: (builder: StatementBuilder) => StatementParts): Transformer {
  return (builder) => builder.build(partsOf(builder));
}

/** The same transformer for each of `names`. */
export function forEach(names: readonly string[], transformer: Transformer): Record<string, Transformer> {
  return Object.fromEntries(names.map((name) => [name, transformer]));
}

/** A transformer of one statement per name, each with its own verb: `partsOf` gets the verb of the event's name. */
export function byVerb(verbs: Readonly<Record<string, XapiVerb>>, partsOf: (builder: StatementBuilder, verb: XapiVerb) => StatementParts): Record<string, Transformer> {
  return Object.fromEntries(Object.entries(verbs).map(([name, verb]) => [name, oneStatement((builder) => partsOf(builder, verb))]));
}
