import type { Static } from '@sinclair/typebox';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { emit as emitThroughDefault } from '../core/registry';
import { Tracker } from '../core/tracker';
import type { Processor, TrackedEvent } from '../core/types';
import type { EventDefinition } from './define';
import { describeProblems, EventDefinitionError, type EventProblem } from './report';
import { nameAndPayload } from './shape';

/** What happens to an emitted event that does not match its definition. */
export type ValidationMode = 'off' | 'warn' | 'throw';

const registerEventsOptions = defineOptions('registerEvents', {
  /**
   * `'off'`: nothing is checked (no cost); `'warn'`: problems go to `onProblem`;
   * `'throw'` (for tests): `emit` throws an {@link EventDefinitionError} listing them.
   * Default: `'off'` when `NODE_ENV` is `'production'`, otherwise `'warn'`.
   */
  validation: option.oneOf(['off', 'warn', 'throw']),
  /** Whether an event whose name is not declared is a problem too. Default: false. */
  strict: option.boolean(),
  /** The tracker `emit` sends to. Default: the default tracker (the one the root `emit` uses). */
  tracker: option.instance<Tracker>('a Tracker', (value) => value instanceof Tracker),
  /** Receives the problems of each event in `'warn'` mode. Default: a warning on stderr listing them. */
  onProblem: option.function<(problems: EventProblem[], event: { name: string; data: unknown }) => void>(),
});

/** Options of {@link registerEvents}. */
export type RegisterEventsOptions = OptionsOf<typeof registerEventsOptions.fields>;

/** The names of the events in `D`. */
export type EventNameOf<D extends readonly EventDefinition[]> = D[number]['name'];

/** The payload type of the event `N` of `D`, inferred from its schema. */
export type EventPayloadOf<D extends readonly EventDefinition[], N extends EventNameOf<D>> = Static<Extract<D[number], { readonly name: N }>['data']>;

let current: EventRegistry | undefined;

/**
 * Gathers the definitions of an app's events, and makes the registry the current one
 * (what `toMatchEventDefinition()` and the `eventtracking docs` command use when not
 * given one). Two definitions of one name throw an `OptionsError`.
 *
 * @example
 * ```ts
 * const events = registerEvents([activated, deactivated], { validation: 'throw' });
 * events.emit('edx.course.enrollment.activated', { course_id: 'course-v1:edX+DemoX+1' });
 * ```
 */
export function registerEvents<const D extends readonly EventDefinition[]>(definitions: D, options: RegisterEventsOptions = {}): EventRegistry<D> {
  const registry = new EventRegistry(definitions, registerEventsOptions.check(options));
  current = registry;
  return registry;
}

/** The registry made last by {@link registerEvents}; throws when there is none. */
export function currentEventRegistry(): EventRegistry {
  if (current === undefined) throw new Error('No event registry: call registerEvents([...definitions]) first, or pass the registry');
  return current;
}

/** The declared events of an app, and a type-checked `emit` for them. Make one with {@link registerEvents}. */
export class EventRegistry<D extends readonly EventDefinition[] = readonly EventDefinition[]> {
  /** The definitions by name, in declaration order. */
  readonly definitions: ReadonlyMap<string, EventDefinition>;
  /** The validation mode in force. */
  readonly validation: ValidationMode;
  /** Whether undeclared names are problems. */
  readonly strict: boolean;
  private readonly tracker: Tracker | undefined;
  private readonly onProblem: (problems: EventProblem[], event: { name: string; data: unknown }) => void;

  constructor(definitions: D, options: RegisterEventsOptions) {
    if (!Array.isArray(definitions)) throw new OptionsError('registerEvents', 'expects an array of definitions (from defineEvent)');
    const byName = new Map<string, EventDefinition>();
    for (const definition of definitions as readonly EventDefinition[]) {
      if (typeof definition?.checkData !== 'function') throw new OptionsError('registerEvents', 'each definition must come from defineEvent(...)');
      if (byName.has(definition.name)) throw new OptionsError('registerEvents', `the event '${definition.name}' is defined twice`);
      byName.set(definition.name, definition);
    }
    this.definitions = byName;
    this.validation = options.validation ?? (process.env.NODE_ENV === 'production' ? 'off' : 'warn');
    this.strict = options.strict ?? false;
    this.tracker = options.tracker;
    this.onProblem = options.onProblem ?? warnOnStderr;
  }

  /** The definition of `name`, or `undefined` when it is not declared. */
  get(name: string): EventDefinition | undefined {
    return this.definitions.get(name);
  }

  /**
   * Emits a declared event; TypeScript checks `data` against the event's schema. Unless
   * validation is `'off'`, the payload is checked first: in `'warn'` mode problems are
   * reported and the event is sent; in `'throw'` mode an {@link EventDefinitionError}
   * is thrown and nothing is sent. Otherwise, like the tracker's `emit`, it never throws.
   */
  emit<N extends EventNameOf<D>>(name: N, data: EventPayloadOf<D, N>): void {
    if (this.validation !== 'off') this.enforce(name, data);
    if (this.tracker) this.tracker.emit(name, data);
    else emitThroughDefault(name, data);
  }

  /**
   * The problems of an event against its definition: a tracker event (`name`, `data`) or a
   * tracking.log event (`event_type`, `event`). Empty when it matches, or when its name is
   * not declared and the registry is not strict.
   */
  check(event: unknown): EventProblem[] {
    const { name, data } = nameAndPayload(event);
    return this.checkPayload(name, data);
  }

  /** The problems of the payload `data` for the event `name` (see {@link EventRegistry.check}). */
  checkPayload(name: string, data: unknown): EventProblem[] {
    const definition = this.definitions.get(name);
    if (definition === undefined) {
      return this.strict ? [{ event: name, path: '', message: 'the event is not declared (strict mode)' }] : [];
    }
    return definition.checkData(data).map((problem) => ({ event: name, path: problem.path, message: problem.message }));
  }

  /**
   * A processor that checks every event a tracker routes, also those emitted with the
   * untyped `emit`: `tracker.registerProcessor(events.processor())`. It does what the
   * validation mode says, except that a throw is caught by the tracker and reported to
   * its `onError`, and the event goes on (processors fail open). With validation `'off'`, register nothing instead: it then costs nothing.
   */
  processor(): Processor {
    return (event: TrackedEvent) => {
      if (this.validation !== 'off') this.enforce(String(event.name), event.data);
    };
  }

  private enforce(name: string, data: unknown): void {
    const problems = this.checkPayload(name, data);
    if (problems.length === 0) return;
    if (this.validation === 'throw') throw new EventDefinitionError(problems);
    try {
      this.onProblem(problems, { name, data });
    } catch {
      // A reporter that throws must not break the event path.
    }
  }
}

function warnOnStderr(problems: EventProblem[]): void {
  console.warn(`eventtracking: ${describeProblems(problems)}`);
}
