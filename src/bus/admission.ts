import type { BusMessage } from './transport';

/** What {@link refusalOf} checks a message against. */
export interface AdmissionLimits {
  maxMessageBytes: number;
  maxAttempts: number;
}

/**
 * Why a message must go to the dead-letter stream before the consumer even decodes it,
 * or undefined when it may be handled: its body is larger than `maxMessageBytes`, or
 * the broker has delivered it more than `maxAttempts` times — attempts that ended
 * without a verdict, as when the consumer handling it died (a message that crashes its
 * consumer would otherwise come back to crash every restart).
 */
export function refusalOf(message: BusMessage, limits: AdmissionLimits): string | undefined {
  const bytes = bodyBytes(message);
  if (message.withheld || bytes > limits.maxMessageBytes) {
    return `too large: ${bytes} bytes, more than maxMessageBytes (${limits.maxMessageBytes})`;
  }
  if (message.deliveries > limits.maxAttempts) {
    return `delivered ${message.deliveries} times, more than maxAttempts (${limits.maxAttempts}), without being settled: a consumer may have died handling it`;
  }
  return undefined;
}

/** The body's size in UTF-8 bytes: as the transport tells it, else measured. */
function bodyBytes(message: BusMessage): number {
  return message.bytes ?? Buffer.byteLength(message.body ?? '', 'utf8');
}
