// A tracked app served on 127.0.0.1 for the privacy and secrets tests, with the parts
// they read back (tracking.log, the Segment sink) and one close for all of it.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tracker } from '../../../src';
import type { FaultSink } from './fault-sink';

export interface Site {
  base: string;
  tracker: Tracker;
  sink: FaultSink;
  trackingLog: string;
  close(): Promise<void>;
}

/** Serves `listener` on a free port; `close()` ends the connections, the server, the tracker, then the sink. */
export async function serveSite(listener: RequestListener, parts: { tracker: Tracker; sink: FaultSink; trackingLog: string }): Promise<Site> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...parts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await parts.tracker.close();
      await parts.sink.close();
    },
  };
}
