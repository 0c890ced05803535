/**
 * A tracking.log event in the shape of an emitted one, as event-routing-backends'
 * `transform_tracking_logs` reads log files (its `parse_json_event`): `data` is the
 * line's `event` (parsed when it is JSON text, as a browser event's is), and
 * `timestamp` is its `time` when it has no `timestamp`. The line's other fields stay.
 *
 * @param line one line of tracking.log, parsed from JSON (the text before the JSON, as
 * Tutor's log format writes, already cut off).
 * @returns the event for {@link transformToXapi}, or `null` for a line without an
 * `event` field (ERB counts it as unparsable).
 */
export function fromTrackingLog(line: Record<string, unknown>): Record<string, unknown> | null {
  if (!Object.hasOwn(line, 'event')) return null;
  const event: Record<string, unknown> = { ...line, data: parsedIfJson(line.event) };
  if (!Object.hasOwn(line, 'timestamp') && Object.hasOwn(line, 'time')) event.timestamp = line.time;
  return event;
}

function parsedIfJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
