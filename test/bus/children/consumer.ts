// A consumer process of the bus suites: reads the bus into a tracking.log as the CLI
// does (legacy shim + PrefixedEventProcessor + LoggerBackend), optionally with a slow
// extra backend (its flush sleeps) to hold batches in hand longer, or one that makes the
// process exit(1) on an event of a given name (a message that kills its consumer), and
// reports its counters and its peak RSS over IPC every 50 ms. Stops cleanly on SIGTERM.
// Argument: a JSON object { transport, stream, group, consumer, file, batchSize?, claimIdleMs?,
// slowFlushMs?, maxAttempts?, maxMessageBytes?, crashOn? }.
import { setTimeout as sleep } from 'node:timers/promises';
import { LoggerBackend } from '../../../src/backends/logger';
import { createEventBusConsumer } from '../../../src/bus/consumer';
import { createBusTransport, type BusTransportSpec } from '../../../src/bus/from-config';
import { LegacyFieldMappingProcessor } from '../../../src/processors/legacy-field-mapping';
import { PrefixedEventProcessor } from '../../../src/processors/prefixed-event';
import { RoutingBackend } from '../../../src/core/routing';
import type { Backend } from '../../../src/core/types';

interface Settings {
  transport: BusTransportSpec;
  stream: string;
  group: string;
  consumer: string;
  file: string;
  batchSize?: number;
  claimIdleMs?: number;
  slowFlushMs?: number;
  maxAttempts?: number;
  maxMessageBytes?: number;
  crashOn?: string;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] as string) as Settings;
  const backends: Record<string, Backend> = {
    tracking_logs: new RoutingBackend({
      backends: { logger: new LoggerBackend({ filename: settings.file }) },
      processors: [new LegacyFieldMappingProcessor(), new PrefixedEventProcessor()],
    }),
  };
  if (settings.slowFlushMs) {
    backends.slow = { send: () => undefined, flush: () => sleep(settings.slowFlushMs) };
  }
  const crashOn = settings.crashOn;
  if (crashOn !== undefined) {
    backends.crash = {
      send: (event) => {
        if (event.name === crashOn) process.exit(1); // dies in the middle of handling, as a crash would
      },
    };
  }
  const errors: string[] = [];
  const consumer = createEventBusConsumer({
    transport: createBusTransport(settings.transport),
    stream: settings.stream,
    group: settings.group,
    consumer: settings.consumer,
    backends,
    batchSize: settings.batchSize,
    claimIdleMs: settings.claimIdleMs,
    maxAttempts: settings.maxAttempts,
    maxMessageBytes: settings.maxMessageBytes,
    onError: (error) => errors.length < 50 && errors.push(error.message),
  });
  await consumer.start();
  let peakRss = process.memoryUsage().rss;
  const report = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    process.send?.({ type: 'progress', ...consumer.stats, errors: errors.length, peakRss });
  };
  const timer = setInterval(report, 50);
  process.send?.({ type: 'ready' });
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void consumer.close().then(() => {
      process.send?.({ type: 'closed', ...consumer.stats, errors, peakRss }, () => process.exit(0));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
