/**
 * Event transactions (Open edX's `track.event_transaction_utils`): an id and a type
 * that tie together the events one user action causes (a problem submission and the
 * grade events it triggers, say). Emitters copy them into their event data.
 *
 * Where they live: in the caller's context frame (`asyncContextLocator.current()`),
 * so they belong to the request — `trackMiddleware` opens one frame per request —
 * and are gone when it ends, whatever else runs concurrently. A frame opened inside
 * a request (`openContextFrame`, `tracker.context(name, ctx, fn)`) starts with the
 * request's values, and what is set inside it stays in it — unlike Open edX's
 * request-wide cache, so set them in the request's own flow (the route handler).
 *
 * Outside any frame they live in the process-wide root frame, like a module global:
 * fine for a script or a test. Values set there are never seen inside a frame
 * (not even one opened later from the root), so a value set at startup or in a timer
 * cannot leak into every request — as in Open edX, each request starts with none.
 * A job runner should open a frame per job (`openContextFrame(() => ...)`) and set
 * the values inside it. Setting at the root therefore does not warn.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { asyncContextLocator } from './context';

const ID = Symbol('eventtracking.eventTransactionId');
const TYPE = Symbol('eventtracking.eventTransactionType');

function read(key: symbol): string | null {
  return (asyncContextLocator.current().values.get(key) as string | null | undefined) ?? null;
}

function write(key: symbol, value: string | null): void {
  asyncContextLocator.current().values.set(key, value);
}

/**
 * The event transaction id of the caller's request (a lowercase UUID string), or
 * `null` when none is set (Python's `get_event_transaction_id()` returns `None`).
 */
export function getEventTransactionId(): string | null {
  return read(ID);
}

/**
 * Starts a new event transaction: stores a new random (version 4) UUID as the id of
 * the caller's request and returns it (`create_new_event_transaction_id()`).
 */
export function createNewEventTransactionId(): string {
  const id = randomUUID();
  write(ID, id);
  return id;
}

/**
 * Sets the event transaction id of the caller's request, as Python's
 * `set_event_transaction_id(s)` stores `UUID(s)`: any UUID version, any case, with or
 * without hyphens, braces or a `urn:uuid:` prefix. It is stored, and later returned,
 * in the canonical lowercase form `str(UUID(s))` gives.
 *
 * @throws TypeError when `id` is not a string or not a UUID; the message names it.
 */
export function setEventTransactionId(id: string): void {
  write(ID, normalizeUuid(id));
}

/** The event transaction type of the caller's request, or `null` when none is set. */
export function getEventTransactionType(): string | null {
  return read(TYPE);
}

/**
 * Sets the event transaction type of the caller's request (for example
 * `'edx.grades.problem.submitted'`); `null` unsets it.
 *
 * @throws TypeError when `type` is neither a string nor null.
 */
export function setEventTransactionType(type: string | null): void {
  if (type !== null && typeof type !== 'string') {
    throw new TypeError(`setEventTransactionType: expected a string or null, got ${describe(type)}`);
  }
  write(TYPE, type);
}

/** The two event-data fields Open edX emitters add, as {@link eventTransactionFields} returns them. */
export interface EventTransactionFields {
  /** The id as text; `'None'` when unset, as Python's `str(None)`. */
  event_transaction_id: string;
  /** The type as text; `'None'` when unset, as Python's `str(None)`. */
  event_transaction_type: string;
}

/**
 * The fields Open edX emitters (grades, instructor tasks) put into event **data**:
 * `{'event_transaction_id': str(get_event_transaction_id()), 'event_transaction_type':
 * str(get_event_transaction_type())}`. An unset value is the string `'None'`, as
 * Python writes it — `String(getEventTransactionId())` would give `'null'`, which
 * log consumers of Open edX data have never seen.
 *
 * @example tracker.emit('edx.grades.problem.rescored', { ...data, ...eventTransactionFields() })
 */
export function eventTransactionFields(): EventTransactionFields {
  return {
    event_transaction_id: getEventTransactionId() ?? 'None',
    event_transaction_type: getEventTransactionType() ?? 'None',
  };
}

const HEX32 = /^[0-9a-f]{32}$/i;

/**
 * `str(UUID(text))`: Python removes every `urn:` and `uuid:`, strips braces from both
 * ends and removes every hyphen, then needs exactly 32 hex digits. (Python's `int()`
 * would also take a `0x`, `+`, `_` or blanks among those 32 characters; such
 * strings are refused here.)
 */
function normalizeUuid(text: unknown): string {
  if (typeof text !== 'string') {
    throw new TypeError(`setEventTransactionId: expected a UUID string, got ${describe(text)}`);
  }
  const hex = text.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '');
  if (!HEX32.test(hex)) {
    const reason = 'badly formed hexadecimal UUID string';
    throw new TypeError(`setEventTransactionId: ${JSON.stringify(text)} is not a valid UUID (${reason})`);
  }
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? Object.prototype.toString.call(value) : `${typeof value} ${String(value)}`;
}
