import { defineOptions } from '../core/options';
import type { Backend, TrackedEvent } from '../core/types';

/** Keeps every event it receives in `events` (for tests and debugging). */
export class MemoryBackend implements Backend {
  /** A MemoryBackend takes no options. */
  static readonly options = defineOptions('MemoryBackend', {});

  /** The events received, oldest first. */
  readonly events: TrackedEvent[] = [];

  send(event: TrackedEvent): void {
    this.events.push(event);
  }

  /** Forgets every event received so far. */
  reset(): void {
    this.events.length = 0;
  }
}
