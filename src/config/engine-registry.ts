import type { OptionFields, OptionsSchema } from '../core/options';

/** Builds a component from its (already built) options. */
export type EngineFactory = (options: Record<string, unknown>) => unknown;

/** How an engine is registered: other names it answers to, and the schema of its options. */
export interface EngineRegistration {
  /** Other names for the engine, such as the Python dotted path it stands for. Default: none. */
  aliases?: string[];
  /**
   * The engine's options. With them, configuration data is checked by name before the
   * factory runs (an unknown name is refused with the nearest valid one) and snake_case
   * names are turned into the schema's camelCase ones; without them, every snake_case
   * name is turned into camelCase and the factory gets whatever was given. Default: none.
   */
  options?: OptionsSchema<OptionFields>;
}

/** A registered engine. */
export interface Engine {
  factory: EngineFactory;
  options: OptionsSchema<OptionFields> | undefined;
}

const engines = new Map<string, Engine>();

/**
 * Makes `factory` available to `createTracker` as the engine `name`, and under each of
 * `aliases`. Replaces an engine of the same name.
 */
export function registerEngine(name: string, factory: EngineFactory, registration: EngineRegistration = {}): void {
  const engine: Engine = { factory, options: registration.options };
  for (const key of [name, ...(registration.aliases ?? [])]) engines.set(key, engine);
}

/** The names of every registered engine, sorted. */
export function engineNames(): string[] {
  return [...engines.keys()].sort();
}

/** The engine registered as `name`, if any. */
export function findEngine(name: string): Engine | undefined {
  return engines.get(name);
}
