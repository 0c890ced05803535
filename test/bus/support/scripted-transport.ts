// A bus transport in memory for the tests that need no broker: its publish does what
// the test scripts, and records what it was given; nothing is ever there to read.
import type { BusRecord, BusTransport } from '../../../src/bus/transport';

/** A transport whose publish does what `behaviour` says, recording what it was given. */
export function scriptedTransport(behaviour: (records: readonly BusRecord[], call: number) => Promise<void>) {
  const batches: BusRecord[][] = [];
  let calls = 0;
  const transport: BusTransport = {
    kind: 'scripted',
    async publish(_stream, records) {
      await behaviour(records, calls++);
      batches.push([...records]);
    },
    ensureGroup: async () => undefined,
    readOwnPending: async () => [],
    // Like a broker with nothing to deliver: a read waits its blockMs, so a consumer left running does not spin.
    read: (_stream, _group, _consumer, options) => new Promise((resolve) => setTimeout(() => resolve([]), options.blockMs).unref()),
    ack: async () => undefined,
    claim: async () => [],
    release: async () => false,
    deadLetter: async () => undefined,
    lag: async () => undefined,
    close: async () => undefined,
  };
  return { transport, batches, calls: () => calls };
}

/** A promise that never settles: a broker that never answers. */
export const never = (): Promise<void> => new Promise(() => undefined);
