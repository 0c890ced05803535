import { defineOptions } from '../core/options';
import { encodeJson } from '../encoding/json';
import { isPlainObject, setOwn } from '../encoding/objects';
import type { Context, TrackedEvent } from '../core/types';

/** Context fields that become top-level fields of a legacy event, in this order. */
export const CONTEXT_FIELDS_TO_INCLUDE = [
  'username',
  'session',
  'ip',
  'agent',
  'host',
  'referer',
  'accept_language',
] as const;

/** Every context key the shim moves out of (or deletes from) the context. */
export const FIELDS_LEFT_OUT_OF_CONTEXT: ReadonlySet<string> = new Set<string>([
  ...CONTEXT_FIELDS_TO_INCLUDE,
  'client_id',
  'timestamp',
  'event_type',
  'event_source',
  'page',
]);

/**
 * Open edX's legacy shim (`track.shim.LegacyFieldMappingProcessor`): turns a raw
 * event into the layout of a `tracking.log` line —
 * `name, context, username, session, ip, agent, host, referer, accept_language,
 * event, time, event_type, event_source, page` — following EDX-BEHAVIOR §2.3.
 * A browser event's object payload becomes a JSON string, written as Python's
 * `json.dumps` writes it, as Open edX's logs hold it.
 */
export class LegacyFieldMappingProcessor {
  /** A LegacyFieldMappingProcessor takes no options. */
  static readonly options = defineOptions('LegacyFieldMappingProcessor', {});

  process(event: TrackedEvent): TrackedEvent {
    const hasContext = 'context' in event;
    const context: Context = isPlainObject(event.context) ? event.context : {};
    const legacy: TrackedEvent = {};
    for (const key in event) {
      if (key !== 'data' && key !== 'timestamp') setOwn(legacy, key, event[key]);
    }
    if (hasContext) {
      const remaining: Context = {};
      for (const key in context) {
        if (!FIELDS_LEFT_OUT_OF_CONTEXT.has(key)) setOwn(remaining, key, context[key]);
      }
      legacy.context = remaining;
      for (const field of CONTEXT_FIELDS_TO_INCLUDE) legacy[field] = field in context ? context[field] : '';
    }
    legacy.event = 'data' in event ? legacyPayload(event.data, context) : {};
    if ('timestamp' in context) legacy.time = context.timestamp;
    else if ('timestamp' in event) legacy.time = event.timestamp;
    legacy.event_type = 'event_type' in context ? context.event_type : event.name ?? '';
    legacy.event_source = 'event_source' in context ? context.event_source : 'server';
    legacy.page = 'page' in context ? context.page : null;
    return legacy;
  }
}

/** The line's `event`: the event's data, written as Python's JSON text when it is a browser event's object. */
export function legacyPayload(data: unknown, context: Context): unknown {
  return context.event_source === 'browser' && isPlainObject(data) ? encodeJson(data, 'python') : data;
}
