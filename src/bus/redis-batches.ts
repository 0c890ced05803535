import { decodeEnvelope } from './envelope';
import { openedxEntryFields, type OpenedxSource } from './openedx-format';
import { PUBLISH, PUBLISH_FIELDS, type RedisScript } from './redis-scripts';
import type { BusRecord } from './transport';

/** A batch ready for Redis: one script run, or (for servers that refuse scripts) one `XADD` each. */
export interface RedisBatch {
  readonly script: RedisScript;
  readonly scriptArgs: (string | Buffer)[];
  /** The plain commands, built only when the script is refused. */
  commands(): (string | Buffer)[][];
}

/** A batch in our format: an `id` and a `body` per entry. */
export function envelopeBatch(stream: string, records: readonly BusRecord[]): RedisBatch {
  const scriptArgs: string[] = [];
  for (const record of records) scriptArgs.push(record.id, record.body);
  return {
    script: PUBLISH,
    scriptArgs,
    commands: () => records.map((record) => ['XADD', stream, '*', 'id', record.id, 'body', record.body]),
  };
}

/**
 * A batch in the Open edX format: each envelope decoded back to its event, then written
 * as event-bus-redis's entry, each add trimming the stream to about `maxLength` entries
 * (`'0'`: no trimming).
 */
export function openedxBatch(stream: string, records: readonly BusRecord[], from: OpenedxSource, maxLength: string): RedisBatch {
  const entries = records.map((record) => openedxEntryFields(record.id, decodeEnvelope(record.body).event, from));
  const trim = maxLength === '0' ? [] : ['MAXLEN', '~', maxLength];
  return {
    script: PUBLISH_FIELDS,
    scriptArgs: [maxLength, String(entries[0]?.length ?? 0), ...entries.flat()],
    commands: () => entries.map((fields) => ['XADD', stream, ...trim, '*', ...fields]),
  };
}
