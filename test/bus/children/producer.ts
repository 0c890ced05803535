// A producer process of the bus suites: emits `count` raw events through a Tracker
// whose one backend is an EventBusBackend, paced as a busy app server would be (a few
// hundred events per event-loop turn, waiting while the bus buffer is deep, so that
// nothing is dropped), then closes the tracker and reports its counters over IPC.
// Argument: a JSON object { transport, stream, count, producer, chunk?, maxBuffered?, closeTimeout? }.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { EventBusBackend } from '../../../src/bus/event-bus-backend';
import { createBusTransport, type BusTransportSpec } from '../../../src/bus/from-config';
import { Tracker } from '../../../src/core/tracker';

interface Settings {
  transport: BusTransportSpec;
  stream: string;
  count: number;
  producer: number;
  chunk?: number;
  maxBuffered?: number;
  closeTimeout?: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] as string) as Settings;
  const failures: string[] = [];
  const bus = new EventBusBackend({ transport: createBusTransport(settings.transport), stream: settings.stream, closeTimeout: settings.closeTimeout ?? 60000 });
  const tracker = new Tracker({ backends: { bus }, onError: (error) => failures.length < 20 && failures.push(error.message) });
  const chunk = settings.chunk ?? 200;
  const maxBuffered = settings.maxBuffered ?? 5000;
  const context = { user_id: 40 + settings.producer, username: `user${settings.producer}`, ip: '127.0.0.1', host: 'lms.test', agent: 'bus-test', path: '/bus' };
  for (let seq = 0; seq < settings.count; seq++) {
    tracker.context('edx.request', context, () => tracker.emit('edx.test.bus', { producer: settings.producer, seq }));
    if ((seq + 1) % chunk === 0) {
      while (bus.buffered > maxBuffered) await sleep(2);
      await nextTurn();
      if ((seq + 1) % 1000 === 0) process.send?.({ type: 'progress', emitted: seq + 1, published: bus.published });
    }
  }
  await tracker.close();
  const stats = { accepted: bus.accepted, published: bus.published, dropped: bus.dropped, lost: bus.lost, retries: bus.retries };
  process.send?.({ type: 'done', ...stats, failures });
  process.exitCode = stats.dropped === 0 && stats.lost === 0 ? 0 : 3;
  process.disconnect?.();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
