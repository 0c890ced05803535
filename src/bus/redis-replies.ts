import type { BusMessage } from './transport';

/**
 * Readers of the raw stream replies of Redis, as node-redis gives them through
 * `sendCommand`: the shapes differ between RESP2 (flat arrays) and RESP3 (maps, which
 * node-redis turns into plain objects or `Map`s), so each reader accepts all of them.
 */

type Pairs = [string, unknown][];

/** Key/value pairs of a flat array, a `Map` or a plain object. */
export function pairsOf(value: unknown): Pairs {
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [String(k), v]);
  if (Array.isArray(value)) {
    const pairs: Pairs = [];
    for (let i = 0; i + 1 < value.length; i += 2) pairs.push([String(value[i]), value[i + 1]]);
    return pairs;
  }
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return [];
}

/** The entries of one stream entry list (`[[id, fields], ...]`) as messages. */
export function entriesToMessages(entries: unknown, deliveries: number): BusMessage[] {
  if (!Array.isArray(entries)) return [];
  const messages: BusMessage[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const ref = String(entry[0]);
    const fields = entry[1];
    if (fields === null || fields === undefined) {
      // The entry was deleted (trimmed) while pending: nothing left to deliver.
      messages.push({ ref, id: '', body: null, deliveries });
      continue;
    }
    let id = '';
    let body: string | null = null;
    let withheldBytes: number | undefined;
    for (const [key, value] of pairsOf(fields)) {
      if (key === 'id') id = String(value);
      else if (key === 'body') body = String(value);
      else if (key === 'body_bytes') withheldBytes = Number(value); // left with the server for its size (BOUNDED_READ)
    }
    if (withheldBytes !== undefined && body === null) messages.push({ ref, id, body, deliveries, bytes: withheldBytes, withheld: true });
    else messages.push({ ref, id, body, deliveries });
  }
  return messages;
}

/** Turns a stream's entry list into messages: {@link entriesToMessages}, or a reader of another entry format. */
export type EntryReader = (entries: unknown) => BusMessage[];

const ownEntries: EntryReader = (entries) => entriesToMessages(entries, 0);

/** The messages of an XREADGROUP reply for `stream` (null when the read timed out). */
export function readReply(reply: unknown, stream: string, toMessages: EntryReader = ownEntries): BusMessage[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    // RESP2: [[stream, entries], ...]
    for (const item of reply) {
      if (Array.isArray(item) && String(item[0]) === stream) return toMessages(item[1]);
    }
    return [];
  }
  for (const [key, entries] of pairsOf(reply)) if (key === stream) return toMessages(entries);
  return [];
}

/** An XAUTOCLAIM reply: the next cursor and the claimed messages (Redis 6.2 gives two items, 7 three). */
export function autoclaimReply(reply: unknown, toMessages: EntryReader = ownEntries): { cursor: string; messages: BusMessage[]; deleted: string[] } {
  if (!Array.isArray(reply)) return { cursor: '0-0', messages: [], deleted: [] };
  const deleted = Array.isArray(reply[2]) ? (reply[2] as unknown[]).map(String) : [];
  return { cursor: String(reply[0]), messages: toMessages(reply[1]), deleted };
}

/** Delivery counts by entry id, from an XPENDING extended-form reply (`[[id, consumer, idle, count], ...]`). */
export function pendingCounts(reply: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(reply)) return counts;
  for (const row of reply) {
    if (Array.isArray(row)) counts.set(String(row[0]), Number(row[3]));
    else if (typeof row === 'object' && row !== null) {
      const fields = Object.fromEntries(pairsOf(row));
      counts.set(String(fields.id), Number(fields.deliveriesCounter ?? fields.deliveries ?? 0));
    }
  }
  return counts;
}

/** One group's row of an XINFO GROUPS reply, as a plain record. */
export function groupInfo(reply: unknown, group: string): Record<string, unknown> | undefined {
  if (!Array.isArray(reply)) return undefined;
  for (const row of reply) {
    const fields = Object.fromEntries(pairsOf(row));
    if (String(fields.name) === group) return fields;
  }
  return undefined;
}

/** Compares two stream ids (`ms-seq`). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = '0', aSeq = '0'] = a.split('-');
  const [bMs = '0', bSeq = '0'] = b.split('-');
  const ms = BigInt(aMs) - BigInt(bMs);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(aSeq) - BigInt(bSeq);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** The message of a Redis error reply (`'NOGROUP ...'`), or of any error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
