import { encodeEnvelope } from './envelope';
import { decodeOpenedxEntry } from './openedx-format';
import { pairsOf } from './redis-replies';
import type { BusMessage } from './transport';

/**
 * The node-redis command option that returns a reply's strings as bytes: `event_data`
 * is binary Avro, which a UTF-8 decoding would damage. (36 is RESP's blob string type.)
 */
export const AS_BYTES = { typeMapping: { 36: Buffer } } as const;

/**
 * The entries of one stream entry list in the Open edX format (read {@link AS_BYTES})
 * as messages: each body is our envelope of the event the entry carries, so that the
 * consumer handles it as any other; an entry that is not a tracking event it can read
 * comes with `unusable` saying why (the consumer dead-letters it, the entry as it was).
 */
export function openedxEntriesToMessages(entries: unknown): BusMessage[] {
  if (!Array.isArray(entries)) return [];
  const messages: BusMessage[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const ref = String(entry[0]);
    if (entry[1] === null || entry[1] === undefined) {
      messages.push({ ref, id: '', body: null, deliveries: 0 }); // trimmed while pending
      continue;
    }
    const fields = new Map<string, Buffer>();
    for (const [key, value] of pairsOf(entry[1])) fields.set(key, Buffer.isBuffer(value) ? value : Buffer.from(String(value)));
    const bytes = fields.get('event_data')?.length ?? 0;
    const id = fields.get('id')?.toString('utf8') ?? '';
    try {
      const decoded = decodeOpenedxEntry(fields, ref);
      messages.push({ ref, id: decoded.id, body: encodeEnvelope(decoded.id, decoded.event), bytes, deliveries: 0 });
    } catch (error) {
      messages.push({ ref, id, body: '', bytes, deliveries: 0, unusable: error instanceof Error ? error.message : String(error) });
    }
  }
  return messages;
}
