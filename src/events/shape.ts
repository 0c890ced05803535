/**
 * The name and payload of an event in either shape: a tracker event (`name`, `data`)
 * or a tracking.log event (`event_type`, `event`). A payload that is a string (a
 * browser event's JSON text) is parsed here.
 */
export function nameAndPayload(event: unknown): { name: string; data: unknown } {
  if (typeof event !== 'object' || event === null) return { name: '', data: event };
  const record = event as Record<string, unknown>;
  if ('name' in record && 'data' in record) {
    return { name: String(record.name), data: typeof record.data === 'string' ? parseJson(record.data) : record.data };
  }
  const payload = record.event;
  return { name: String(record.name ?? record.event_type ?? ''), data: typeof payload === 'string' ? parseJson(payload) : payload };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
