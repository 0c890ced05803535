/** Told of an event before it is sent: `(eventType, data, element)`. */
export type ListenerCallback = (eventType: string, data: unknown, element: unknown) => void;

/**
 * Open edX's `listeners[eventType][element]`, keyed by identity instead of by string:
 * an element matches only the very same value (a DOM element only itself, not every
 * element of its kind), and `null` only `log()` calls without an element. A falsy
 * element is `null`, as Open edX's `log()` makes it.
 */
export class Listeners {
  private readonly byType = new Map<string, Map<unknown, ListenerCallback[]>>();

  /** Registers `callback`; returns a function that removes it. */
  add(eventType: string, element: unknown, callback: ListenerCallback): () => void {
    const key = element || null;
    let byElement = this.byType.get(eventType);
    if (!byElement) this.byType.set(eventType, (byElement = new Map()));
    let callbacks = byElement.get(key);
    if (!callbacks) byElement.set(key, (callbacks = []));
    callbacks.push(callback);
    return () => {
      const list = this.byType.get(eventType)?.get(key);
      const index = list ? list.indexOf(callback) : -1;
      if (list && index >= 0) list.splice(index, 1);
    };
  }

  /**
   * Calls the callbacks of `eventType` and `element` in registration order. One that
   * throws is reported with `console.error({eventType, data, element, error})`, as
   * Open edX does, and the others still run.
   */
  notify(eventType: string, data: unknown, element: unknown): void {
    const callbacks = this.byType.get(eventType)?.get(element || null);
    if (!callbacks) return;
    for (const callback of callbacks.slice()) {
      try {
        callback(eventType, data, element || null);
      } catch (error) {
        console.error({ eventType, data, element: element || null, error });
      }
    }
  }
}
