import { encodeJson } from '../../encoding/json';
import { isPlainObject } from '../../encoding/objects';
import type { Context, TrackedEvent } from '../../core/types';

/** What a transformer is given besides its event. */
export interface TransformerOptions {
  /**
   * Receives a transformer's warnings (Open edX logs them with `log.warning`), such
   * as a `module_id` that is not a usage key. Default: one line on stderr.
   */
  warn?: (message: string) => void;
}

/**
 * A transformer class, as registered in a {@link TransformerRegistry}: constructed
 * with the event it applies to, then asked to `transform()` it.
 */
export type EventTransformerClass = new (event: TrackedEvent, options?: TransformerOptions) => EventTransformer;

function defaultWarn(message: string): void {
  console.warn(`eventtracking: ${message}`);
}

/**
 * The base of every transformer (Open edX's `track.transformers.EventTransformer`):
 * it reshapes one legacy event (the output of `LegacyFieldMappingProcessor`) on its
 * own copy. Python's transformer *is* the event dict; here `event` is that copy
 * (Python's `self[...]`) and `payload` the decoded `event` field (Python's
 * `self.event`).
 *
 * `transform()` runs, in order: if {@link isLegacyEvent}, sets `event_type` to
 * {@link legacyEventType} and calls {@link processLegacyFields}; then
 * {@link processEvent}; then writes the payload back — as a JSON string written the
 * way Python's `json.dumps` writes it if it came as a string (a browser event), as
 * the object otherwise. Subclasses override those members. A transformer may throw
 * (Python raises `KeyError` for a missing field): the router reports the failure and
 * the event goes on unchanged.
 *
 * @example
 * class ProblemCheckedTransformer extends EventTransformer {
 *   override get isLegacyEvent() { return true; }
 *   override get legacyEventType() { return 'problem_check'; }
 *   override processLegacyFields() {
 *     const payload = this.payloadObject();
 *     if (payload) payload.answers = payload.submission;
 *   }
 * }
 * registerTransformer('edx.problem.checked', ProblemCheckedTransformer);
 */
export class EventTransformer {
  /** The transformer's copy of the event: a shallow copy, with its own `context` and payload copies. */
  readonly event: TrackedEvent;
  /**
   * The decoded payload (Python's `self.event`): `JSON.parse(event.event)` for a
   * string, else the value itself (an object is copied first, shallowly: copy a
   * nested object before changing it, or the input event changes too).
   */
  payload: unknown;
  /** Reports a warning (see {@link TransformerOptions.warn}). */
  protected readonly warn: (message: string) => void;

  constructor(event: TrackedEvent, options: TransformerOptions = {}) {
    this.event = { ...event };
    if (isPlainObject(event.context)) this.event.context = { ...event.context };
    this.warn = options.warn ?? defaultWarn;
    this.loadPayload();
  }

  /**
   * Whether this event is a legacy one, whose `event_type` gets
   * {@link legacyEventType} and whose payload gets {@link processLegacyFields}.
   * Override it with a getter (TypeScript lets no field replace it). Default: false.
   */
  get isLegacyEvent(): boolean {
    return false;
  }

  /** The legacy `event_type`. Override it (a getter) when {@link isLegacyEvent} can be true; the base throws. */
  get legacyEventType(): string {
    throw new Error(`${this.constructor.name} does not define legacyEventType`);
  }

  /** The event's name (`event.name`). */
  get name(): unknown {
    return this.event.name;
  }

  /** The event's context, or an empty object (not kept) when it has none. */
  get context(): Context {
    return isPlainObject(this.event.context) ? this.event.context : {};
  }

  /** Decodes `event.event` into {@link payload}; throws a `SyntaxError` for a string that is not JSON. */
  loadPayload(): void {
    if (!Object.hasOwn(this.event, 'event')) return;
    const raw = this.event.event;
    if (typeof raw === 'string') this.payload = JSON.parse(raw) as unknown;
    else this.payload = isPlainObject(raw) ? { ...raw } : raw;
  }

  /** Writes {@link payload} back to `event.event`, as a Python-style JSON string if it was a string. */
  dumpPayload(): void {
    this.event.event = typeof this.event.event === 'string' ? encodeJson(this.payload, 'python') : this.payload;
  }

  /**
   * Transforms {@link event} in place. Throws when the event has no `event` field
   * (the transformer runs after `LegacyFieldMappingProcessor`, which always sets it).
   */
  transform(): void {
    if (!Object.hasOwn(this.event, 'event')) {
      throw new Error(`${this.constructor.name}: the event has no 'event' field; run LegacyFieldMappingProcessor first`);
    }
    if (this.isLegacyEvent) {
      this.event.event_type = this.legacyEventType;
      this.processLegacyFields();
    }
    this.processEvent();
    this.dumpPayload();
  }

  /** Sets the payload fields a legacy event needs; runs only when {@link isLegacyEvent}. Default: nothing. */
  processLegacyFields(): void {}

  /** Changes the event unconditionally. Default: nothing. */
  processEvent(): void {}

  /** The payload when it is a plain object (a Python dict), else `undefined`. */
  protected payloadObject(): Record<string, unknown> | undefined {
    return isPlainObject(this.payload) ? this.payload : undefined;
  }

  /**
   * `payload[key]`, which must exist, as Python's `self.event[key]`.
   * @throws Error (`KeyError`) when the payload is not an object or lacks `key`.
   */
  protected payloadField(key: string): unknown {
    const payload = this.payloadObject();
    if (payload === undefined || !Object.hasOwn(payload, key)) {
      throw new Error(`KeyError: the payload of '${String(this.name)}' has no field '${key}'`);
    }
    return payload[key];
  }
}
