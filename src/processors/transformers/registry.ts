import type { TrackedEvent } from '../../core/types';
import type { EventTransformer, EventTransformerClass, TransformerOptions } from './base';

/**
 * Thrown by {@link TransformerRegistry.get} when no transformer is registered for an
 * event name (Python's `KeyError` from `EventTransformerRegistry.create_transformer`).
 */
export class TransformerNotFoundError extends Error {
  /** The name that was looked up. */
  readonly key: unknown;

  constructor(key: unknown) {
    super(`No transformer is registered for ${typeof key === 'string' ? `'${key}'` : String(key)}`);
    this.name = 'TransformerNotFoundError';
    this.key = key;
  }
}

/** Python's string order: by code point (JavaScript's default sort compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/**
 * Which transformer handles which event (Open edX's `EventTransformerRegistry` over
 * a `DottedPathMapping`). A key ending in `'.'` is a prefix: it handles every event
 * whose name starts with it. Any other key handles that exact name only.
 *
 * Lookup: an exact key wins; otherwise the prefixes are tried in reverse-sorted order
 * and the first one the name starts with wins — so the longest matching prefix. A
 * name that is not a string matches nothing.
 */
export class TransformerRegistry {
  private readonly exact = new Map<string, EventTransformerClass>();
  private readonly prefixes = new Map<string, EventTransformerClass>();
  private prefixOrder: string[] = [];

  /**
   * Registers `transformer` for `matchKey` (an exact name, or a prefix ending in
   * `'.'`), replacing any transformer registered for that key.
   *
   * @throws TypeError when `matchKey` is not a non-empty string or `transformer` is not a class.
   */
  register(matchKey: string, transformer: EventTransformerClass): void {
    if (typeof matchKey !== 'string' || matchKey === '') {
      throw new TypeError('registerTransformer: the match key must be an event name, or a prefix ending in "."');
    }
    if (typeof transformer !== 'function') {
      throw new TypeError(`registerTransformer('${matchKey}'): the transformer must be a class extending EventTransformer`);
    }
    if (matchKey.endsWith('.')) {
      this.prefixes.set(matchKey, transformer);
      this.prefixOrder = [...this.prefixes.keys()].sort(compareCodePoints).reverse();
    } else {
      this.exact.set(matchKey, transformer);
    }
  }

  /** Removes the transformer registered for exactly `matchKey`; returns whether there was one. */
  unregister(matchKey: string): boolean {
    if (!matchKey.endsWith('.')) return this.exact.delete(matchKey);
    const removed = this.prefixes.delete(matchKey);
    this.prefixOrder = this.prefixOrder.filter((prefix) => prefix !== matchKey);
    return removed;
  }

  /** The transformer for the event name `name`, or `undefined`. */
  find(name: unknown): EventTransformerClass | undefined {
    if (typeof name !== 'string') return undefined;
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    for (const prefix of this.prefixOrder) {
      if (name.startsWith(prefix)) return this.prefixes.get(prefix);
    }
    return undefined;
  }

  /**
   * The transformer for the event name `name`.
   * @throws TransformerNotFoundError when there is none.
   */
  get(name: unknown): EventTransformerClass {
    const transformer = this.find(name);
    if (transformer === undefined) throw new TransformerNotFoundError(name);
    return transformer;
  }

  /** Whether a transformer handles the event name `name`. */
  has(name: unknown): boolean {
    return this.find(name) !== undefined;
  }

  /** Every registered key: exact names first, then prefixes, each in registration order. */
  keys(): string[] {
    return [...this.exact.keys(), ...this.prefixes.keys()];
  }

  /**
   * A transformer of `event`, chosen by `event.name` (`create_transformer(event)`).
   * @throws TransformerNotFoundError when no transformer handles the name.
   */
  createTransformer(event: TrackedEvent, options?: TransformerOptions): EventTransformer {
    const Transformer = this.get(event.name);
    return new Transformer(event, options);
  }
}
