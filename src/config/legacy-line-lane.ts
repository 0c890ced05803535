import { LoggerBackend } from '../backends/logger';
import { RoutingBackend, type BranchShortcut } from '../core/routing';
import type { Context, TrackedEvent } from '../core/types';
import { encodeJson, escapeLineBreaks, type JsonStyle } from '../encoding/json';
import { isPlainObject } from '../encoding/objects';
import { EventTime, formatIsoTime } from '../encoding/timestamp';
import { PasswordCensorProcessor } from '../processors/censor-passwords';
import {
  CONTEXT_FIELDS_TO_INCLUDE,
  FIELDS_LEFT_OUT_OF_CONTEXT,
  LegacyFieldMappingProcessor,
  legacyPayload,
} from '../processors/legacy-field-mapping';
import { PrefixedEventProcessor } from '../processors/prefixed-event';

/** The keys of an event the tracker builds, in its order. */
const TRACKER_EVENT_KEYS = ['name', 'timestamp', 'data', 'context'];
/**
 * The context keys the shim leaves out of the line's `context`: the seven it copies to
 * the top level (`'field'`), and the others (`'tail'`: `client_id`, and the ones that
 * give the line's `time`, `event_type`, `event_source` and `page`).
 */
const LEFT_OUT_KEYS = new Map<string, 'field' | 'tail'>(
  [...FIELDS_LEFT_OUT_OF_CONTEXT].map((key) => [key, (CONTEXT_FIELDS_TO_INCLUDE as readonly string[]).includes(key) ? 'field' : 'tail']),
);
/** Stands for a top-level field the context does not hold (the line has `''`). */
const ABSENT = Symbol('absent');

/**
 * Writes the members of a line's objects in a JSON style: `,"key":value` (compact) or
 * `, "key": value` (python), each with its leading separator, the key texts remembered.
 * In the compact style the texts it gives have U+2028, U+2029 and U+0085 escaped, as
 * the line would have them: the escape is character by character, so escaping the
 * parts of a line escapes the line.
 */
class MemberWriter {
  readonly comma: string;
  private readonly colon: string;
  private readonly keyTexts = new Map<string, string>();
  /** `"server"` as the style writes it. */
  readonly server: string;

  constructor(readonly style: JsonStyle) {
    this.comma = style === 'compact' ? ',' : ', ';
    this.colon = style === 'compact' ? ':' : ': ';
    this.server = this.value('server');
  }

  /** `,"key":value`, or `''` for a value JSON leaves out of objects (undefined, a function, a symbol). */
  member(key: string, value: unknown): string {
    const skipped = value === undefined || typeof value === 'function' || typeof value === 'symbol';
    return skipped ? '' : this.encodedMember(key, this.value(value));
  }

  /** `,"key":` and a value already encoded. */
  encodedMember(key: string, encodedValue: string): string {
    let keyText = this.keyTexts.get(key);
    if (keyText === undefined) {
      keyText = this.comma + this.value(key) + this.colon;
      if (this.keyTexts.size < 1000) this.keyTexts.set(key, keyText);
    }
    return keyText + encodedValue;
  }

  /** A value encoded in the style. */
  value(value: unknown): string {
    return this.style === 'compact' ? compactValue(value) : encodeJson(value, 'python');
  }

  /** The object of `members` (as {@link member} writes them, joined). */
  object(members: string): string {
    return `{${members.slice(this.comma.length)}}`;
  }
}

/** The characters `JSON.stringify` escapes in a string (lone surrogates included) and those the compact style escapes after it. */
const ESCAPED_IN_COMPACT = /["\\\u0000-\u001f\u0085\u2028\u2029\ud800-\udfff]/;

/**
 * A value as the compact style writes it: `JSON.stringify`, line breaks escaped. A
 * string with nothing to escape and a primitive are written without it (a call of
 * `JSON.stringify` costs more than the few characters of a field).
 */
function compactValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return ESCAPED_IN_COMPACT.test(value) ? escapeLineBreaks(JSON.stringify(value)) : `"${value}"`;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : escapeLineBreaks(JSON.stringify(value));
  }
}

/**
 * What a request's events share: the line's `context` member and its seven top-level
 * fields, with the values they were written from, so that the next event whose
 * context holds the same values (a request's page event and its emits) reuses the text.
 */
interface Head {
  /** The `context` member's keys and values, in order. */
  keys: string[];
  values: unknown[];
  /** The seven top-level fields' values (`ABSENT` when not in the context). */
  fields: unknown[];
  /** The `context` member and the seven field members, as {@link MemberWriter.member} writes them. */
  members: string;
}

/**
 * The fast path of a `tracking.log` branch as `edxDefaults` builds it —
 * `PasswordCensorProcessor` (optional), `LegacyFieldMappingProcessor`,
 * `PrefixedEventProcessor`, one `LoggerBackend` with plain lines — for the events the
 * tracker builds: it writes the legacy line straight from the branch's copy of the
 * event, without the censor rewriting it, the shim's new event and its encoding whole,
 * reusing the text of the context part from the event before when the context holds
 * the same values. It declines (the branch's processors and backends run) whenever it
 * cannot prove the same bytes: a transformer handles the name, the censor would change
 * something, a context value is not a string, number, boolean or null, the line is
 * over `maxEventSize`, an event not shaped as the tracker builds it.
 */
export class LegacyLineLane implements BranchShortcut {
  private readonly writer: MemberWriter;
  private head: Head | undefined;

  private constructor(
    private readonly censor: PasswordCensorProcessor | undefined,
    private readonly prefixed: PrefixedEventProcessor,
    private readonly logger: LoggerBackend,
  ) {
    this.writer = new MemberWriter(logger.jsonStyle);
  }

  /** The lane of `router`, or undefined when its processors and backends are not that branch's, unchanged. */
  static of(router: RoutingBackend): LegacyLineLane | undefined {
    const processors = [...router.processors];
    const censor = processors.length === 3 ? processors.shift() : undefined;
    const [shim, prefixed, ...more] = processors;
    const backends = [...router.backends.values()];
    const logger = backends[0];
    if (more.length > 0 || backends.length !== 1) return undefined;
    if (censor !== undefined && !(isExactly(censor, PasswordCensorProcessor) && censorsNoEventKey(censor))) return undefined;
    if (!isExactly(shim, LegacyFieldMappingProcessor) || !isExactly(prefixed, PrefixedEventProcessor)) return undefined;
    if (!isExactly(logger, LoggerBackend) || logger.lineFormat !== 'plain') return undefined;
    return new LegacyLineLane(censor, prefixed, logger);
  }

  /** Writes the line of `event` (the branch's copy) and returns true, or returns false having written nothing. */
  send(event: TrackedEvent): boolean {
    if (!isTrackerEvent(event)) return false;
    const { name, timestamp, context } = event;
    if (typeof name !== 'string' || !isPlainObject(context) || !isTime(timestamp)) return false;
    if (this.prefixed.registry.find(name) !== undefined) return false;
    const head = this.headOf(context);
    if (head === undefined) return false;
    const { data } = event;
    if (this.censor?.wouldChange(name) || this.censor?.wouldChange(data)) return false;
    // The members LegacyFieldMappingProcessor gives a legacy event, in its order.
    const { writer } = this;
    const nameText = writer.value(name);
    const line =
      `{${writer.encodedMember('name', nameText).slice(writer.comma.length)}${head.members}` +
      writer.member('event', legacyPayload(data, context)) +
      ('timestamp' in context ? writer.member('time', context.timestamp) : writer.encodedMember('time', `"${formatIsoTime(timestamp)}"`)) +
      ('event_type' in context ? writer.member('event_type', context.event_type) : writer.encodedMember('event_type', nameText)) +
      ('event_source' in context ? writer.member('event_source', context.event_source) : writer.encodedMember('event_source', writer.server)) +
      writer.member('page', 'page' in context ? context.page : null) +
      '}';
    const { maxEventSize } = this.logger;
    if (maxEventSize !== null && line.length > maxEventSize) return false;
    this.logger.writeLine(line);
    return true;
  }

  /**
   * The head of `context`'s line: the one before when the context holds the same
   * values, else a new one. Undefined when a value is not a primitive or the censor
   * would change one. Keys are read as the shim reads them (`for...in`).
   */
  private headOf(context: Context): Head | undefined {
    const cached = this.head;
    let same = cached !== undefined;
    let index = 0;
    for (const key in context) {
      const value = context[key];
      if (!isPrimitive(value)) return undefined;
      const role = LEFT_OUT_KEYS.get(key);
      if (role === undefined) {
        if (same && (cached!.keys[index] !== key || cached!.values[index] !== value)) same = false;
        index++;
      } else if (role === 'tail' && this.censor?.wouldChangeField(key, value)) {
        return undefined;
      }
    }
    if (!same || index !== cached!.keys.length || !holdsFields(context, cached!.fields)) this.head = this.newHead(context);
    return this.head;
  }

  private newHead(context: Context): Head | undefined {
    const keys: string[] = [];
    const values: unknown[] = [];
    for (const key in context) {
      if (LEFT_OUT_KEYS.has(key)) continue;
      keys.push(key);
      values.push(context[key]);
    }
    const fields = CONTEXT_FIELDS_TO_INCLUDE.map((field) => (field in context ? context[field] : ABSENT));
    const censor = this.censor;
    if (censor && keys.some((key, i) => censor.wouldChangeField(key, values[i]))) return undefined;
    if (censor && fields.some((value, i) => value !== ABSENT && censor.wouldChangeField(CONTEXT_FIELDS_TO_INCLUDE[i]!, value))) return undefined;
    const { writer } = this;
    let members = writer.encodedMember('context', writer.object(keys.map((key, i) => writer.member(key, values[i])).join('')));
    fields.forEach((value, i) => {
      members += writer.member(CONTEXT_FIELDS_TO_INCLUDE[i]!, value === ABSENT ? '' : value);
    });
    return { keys, values, fields, members };
  }
}

/**
 * Gives every branch of `router` (itself included, and nested routers) that is a
 * `tracking.log` branch its {@link LegacyLineLane}.
 */
export function attachLegacyLineLanes(router: RoutingBackend): void {
  const lane = LegacyLineLane.of(router);
  if (lane !== undefined) router.useShortcut(lane);
  for (const backend of router.backends.values()) if (backend instanceof RoutingBackend) attachLegacyLineLanes(backend);
}

/** Whether `context` holds the seven top-level fields' `values` (`ABSENT`: not held). */
function holdsFields(context: Context, values: unknown[]): boolean {
  for (let i = 0; i < CONTEXT_FIELDS_TO_INCLUDE.length; i++) {
    const field = CONTEXT_FIELDS_TO_INCLUDE[i]!;
    if ((field in context ? context[field] : ABSENT) !== values[i]) return false;
  }
  return true;
}

/** Whether `value` is an instance of exactly `type` (not a subclass) with `type`'s own `process`/`send`. */
function isExactly<T extends object>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== type.prototype) return false;
  return !Object.prototype.hasOwnProperty.call(value, 'process') && !Object.prototype.hasOwnProperty.call(value, 'send');
}

/**
 * Whether the censor leaves alone the keys of the event object itself and of its
 * time (an EventTime's `microsecond`), which the lane does not walk. (`''` holds
 * nothing to censor: only a censored name changes it.)
 */
function censorsNoEventKey(censor: PasswordCensorProcessor): boolean {
  return ![...TRACKER_EVENT_KEYS, 'microsecond'].some((key) => censor.wouldChangeField(key, ''));
}

/** Whether `event` has exactly the tracker's own keys, in its order, on a plain object. */
function isTrackerEvent(event: TrackedEvent): boolean {
  if (Object.getPrototypeOf(event) !== Object.prototype) return false;
  let index = 0;
  for (const key in event) {
    if (key !== TRACKER_EVENT_KEYS[index]) return false;
    index++;
  }
  return index === TRACKER_EVENT_KEYS.length;
}

/** A valid `Date` or `EventTime` (not another subclass, which could format itself otherwise). */
function isTime(value: unknown): value is Date {
  if (!(value instanceof Date)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Date.prototype || proto === EventTime.prototype) && !Number.isNaN(value.getTime());
}

function isPrimitive(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
