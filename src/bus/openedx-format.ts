import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { TrackedEvent } from '../core/types';
import { encodeJson } from '../encoding/json';
import { formatIsoTime, now, parseIsoTimestamp } from '../encoding/timestamp';
import { requireOptional } from './optional-require';

/**
 * The Open edX event bus's wire format for tracking events, as openedx/event-bus-redis
 * writes a stream entry and openedx-events encodes the signal's data. Facts taken from
 * event-bus-redis (`internal/producer.py`, `message.py`, `utils.py`) and openedx-events
 * 11.2.0 (`analytics/signals.py`, `analytics/data.py`, `event_bus/avro/serializer.py`,
 * the stored schema `org+openedx+analytics+tracking+event+emitted+v1_schema.avsc`).
 */

/** The signal whose events this format carries: `TRACKING_EVENT_EMITTED`. */
export const OPENEDX_TRACKING_EVENT_TYPE = 'org.openedx.analytics.tracking.event.emitted.v1';

/** The topic the LMS publishes tracking events to (`EVENT_BUS_PRODUCER_CONFIG`), and the stream's name without a prefix. */
export const OPENEDX_ANALYTICS_TOPIC = 'analytics';

/** The openedx-events version whose schema this format follows; written as the `sourcelib` header. */
export const OPENEDX_EVENTS_VERSION = '11.2.0';

/** The Avro schema of the signal's data, as openedx-events derives it from `TrackingLogData`. */
export const TRACKING_EVENT_EMITTED_SCHEMA = {
  name: 'CloudEvent',
  type: 'record',
  doc: 'Avro Event Format for CloudEvents created with openedx_events/schema',
  namespace: OPENEDX_TRACKING_EVENT_TYPE,
  fields: [
    {
      name: 'tracking_log',
      type: {
        name: 'TrackingLogData',
        type: 'record',
        fields: ['name', 'timestamp', 'data', 'context'].map((name) => ({ name, type: 'string' })),
      },
    },
  ],
} as const;

/** The Open edX stream of a topic: `<prefix>-<topic>`, as event-bus-redis names it with `EVENT_BUS_TOPIC_PREFIX` set. */
export function openedxStreamName(options: { topic?: string; topicPrefix?: string } = {}): string {
  const topic = options.topic ?? OPENEDX_ANALYTICS_TOPIC;
  return options.topicPrefix ? `${options.topicPrefix}-${topic}` : topic;
}

/** The signal's payload, `TrackingLogData`, as it travels: four strings. */
export interface TrackingLogData {
  name: string;
  timestamp: string;
  data: string;
  context: string;
}

interface AvroType {
  toBuffer(value: unknown): Buffer;
  fromBuffer(buffer: Buffer): unknown;
}

let avroType: AvroType | undefined;

/** The schema's avsc type, built on first use (avsc is an optional dependency). */
function trackingLogType(): AvroType {
  const avsc = requireOptional<{ Type: { forSchema(schema: unknown): AvroType } }>('avsc', "The Redis transport's format 'openedx'");
  avroType ??= avsc.Type.forSchema(TRACKING_EVENT_EMITTED_SCHEMA);
  return avroType;
}

/** Loads avsc now, so that a missing package is a construction error rather than a publish failure. */
export function checkOpenedxFormatAvailable(): void {
  trackingLogType();
}

/** An event as `TrackingLogData`, as event-tracking's `EventBusRoutingBackend` builds it: `data` and `context` as Python's `json.dumps` writes them. */
export function toTrackingLogData(event: TrackedEvent): TrackingLogData {
  const { timestamp } = event;
  return {
    name: typeof event.name === 'string' ? event.name : String(event.name ?? ''),
    timestamp: timestamp instanceof Date ? formatIsoTime(timestamp) : String(timestamp ?? ''),
    data: encodeJson(event.data ?? null, 'python'),
    context: encodeJson(event.context ?? null, 'python'),
  };
}

/** `event_data`: the schemaless Avro encoding of `{ tracking_log }` (no container header, no schema id). */
export function encodeEventData(tracking: TrackingLogData): Buffer {
  return trackingLogType().toBuffer({ tracking_log: tracking });
}

/** Decodes `event_data`; throws an `Error` saying why it is not the schema's encoding. */
export function decodeEventData(bytes: Buffer): TrackingLogData {
  try {
    return (trackingLogType().fromBuffer(bytes) as { tracking_log: TrackingLogData }).tracking_log;
  } catch (error) {
    throw new Error(`event_data is not the Avro encoding of ${OPENEDX_TRACKING_EVENT_TYPE} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The event `TrackingLogData` stands for; throws an `Error` naming the field that is wrong. */
export function fromTrackingLogData(tracking: TrackingLogData): TrackedEvent {
  const timestamp = parseIsoTimestamp(tracking.timestamp);
  if (timestamp === null) throw new Error(`tracking_log.timestamp is not an ISO 8601 time: ${JSON.stringify(tracking.timestamp.slice(0, 60))}`);
  const data = parseJsonField(tracking.data, 'data');
  const context = parseJsonField(tracking.context, 'context');
  if (context !== null && (typeof context !== 'object' || Array.isArray(context))) throw new Error('tracking_log.context is not a JSON object');
  return { name: tracking.name, timestamp, data, context: (context ?? {}) as TrackedEvent['context'] };
}

function parseJsonField(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`tracking_log.${field} is not JSON text (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** What the header fields say about the producer. */
export interface OpenedxSource {
  /** `source`: the logical source, `openedx/<service>/web` in Open edX. */
  source: string;
  /** `sourcehost`: the machine. */
  sourcehost: string;
}

/** The header fields' default producer: this package as a service, on this machine. */
export function defaultOpenedxSource(): OpenedxSource {
  return { source: 'openedx/eventtracking/web', sourcehost: hostname() };
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A bus id as the UUID the `id` header must be (the Python consumer parses it with
 * `UUID()`): a UUID as is; any other id as a name-based (version 5 layout) UUID of its
 * SHA-1, so that one id always gives one UUID and copies stay one event.
 */
export function asUuid(id: string): string {
  if (UUID_TEXT.test(id)) return id.toLowerCase();
  const hash = createHash('sha1').update(id).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The fields of one stream entry, in event-bus-redis's order: the headers `type`, `id`,
 * `source`, `time` (now, Python's `isoformat()` in UTC), `minorversion` (`0`),
 * `sourcehost`, `sourcelib`, then `event_data`.
 */
export function openedxEntryFields(id: string, event: TrackedEvent, from: OpenedxSource): (string | Buffer)[] {
  return [
    'type', OPENEDX_TRACKING_EVENT_TYPE,
    'id', asUuid(id),
    'source', from.source,
    'time', formatIsoTime(now()),
    'minorversion', '0',
    'sourcehost', from.sourcehost,
    'sourcelib', OPENEDX_EVENTS_VERSION,
    'event_data', encodeEventData(toTrackingLogData(event)),
  ]; // prettier-ignore
}

/**
 * The bus id and event of one stream entry's fields (names as text, values as bytes).
 * Throws an `Error` saying why the entry is unusable: another signal's `type`, no
 * `event_data`, bytes that are not the schema's encoding, or a payload whose fields do
 * not hold what `TrackingLogData` holds.
 */
export function decodeOpenedxEntry(fields: ReadonlyMap<string, Buffer>, ref: string): { id: string; event: TrackedEvent } {
  const type = fields.get('type')?.toString('utf8');
  if (type !== OPENEDX_TRACKING_EVENT_TYPE) {
    throw new Error(`${type === undefined ? 'no type header' : `unknown type ${JSON.stringify(type.slice(0, 120))}`} (this consumer reads ${OPENEDX_TRACKING_EVENT_TYPE})`);
  }
  const bytes = fields.get('event_data');
  if (bytes === undefined) throw new Error('the entry has no event_data field');
  const event = fromTrackingLogData(decodeEventData(bytes));
  const id = fields.get('id')?.toString('utf8') || `redis:${ref}`;
  return { id, event };
}
