// One producer tracker configured as the LMS (edxDefaults: legacy shim, PrefixedEventProcessor,
// LoggerBackend) plus a bus branch publishing the raw events; a consumer on the bus
// running the same tracking_logs chain into a second file. The two files must match
// line for line: dates (with microseconds) survive the bus.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoggerBackend } from '../../../src/backends/logger';
import { createEventBusConsumer } from '../../../src/bus/consumer';
import { EventBusBackend } from '../../../src/bus/event-bus-backend';
import { createBusTransport, type BusTransportSpec } from '../../../src/bus/from-config';
import { createTracker } from '../../../src/config/create-tracker';
import { edxDefaults } from '../../../src/config/edx-defaults';
import { LegacyFieldMappingProcessor } from '../../../src/processors/legacy-field-mapping';
import { PrefixedEventProcessor } from '../../../src/processors/prefixed-event';
import { RoutingBackend } from '../../../src/core/routing';
import { EventTime } from '../../../src/encoding/timestamp';
import { tempFile } from './scenarios';

export async function sameLinesScenario(spec: BusTransportSpec, stream: string): Promise<{ producerLines: string[]; consumerLines: string[] }> {
  const producerFile = tempFile('producer.log');
  const consumerFile = tempFile('consumer.log');
  const tracker = createTracker(edxDefaults({ trackingLog: producerFile }));
  tracker.registerBackend('zz_bus', new EventBusBackend({ transport: createBusTransport(spec), stream, batchSize: 7 }));
  const request = { user_id: 7, username: 'alice', ip: '10.0.0.1', session: 'abc', host: 'lms.test', agent: 'UA', path: '/x', course_id: 'course-v1:edX+DemoX+Demo_2014' };
  tracker.context('edx.request', request, () => {
    tracker.emit('edx.test.server', { plain: 1, when: new EventTime(Date.UTC(2020, 1, 29, 12, 0, 0, 5), 7), also: [new Date(0), 'not a date: 2020-01-01T00:00:00+00:00'] });
    tracker.emit('edx.ui.lms.sequence.next_selected', { current_tab: 3, tab_count: 5, id: 'block-v1:abc' });
    tracker.emit('edx.ui.lms.sequence.tab_selected', { current_tab: 2, target_tab: 5, tab_count: 9, id: 'block-v1:abc', widget_placement: 'top' });
    tracker.emit('unicode', { text: 'héllo ✓ \u2028 "quoted"', n: 1.5, big: 1e21, neg: -0.000001 });
  });
  tracker.context('edx.request', { ...request, event_source: 'browser', page: 'http://lms.test/p' }, () => {
    tracker.emit('play_video', { id: 'v1', currentTime: 12.25 });
  });
  tracker.context('edx.request', { ...request, timestamp: new EventTime(Date.UTC(2019, 0, 1), 123) }, () => {
    tracker.emit('with.context.timestamp', {});
  });
  for (let i = 0; i < 20; i++) tracker.emit('edx.test.many', { i });
  await tracker.close();

  const consumer = createEventBusConsumer({
    transport: createBusTransport(spec),
    stream,
    group: 'central',
    backends: {
      tracking_logs: new RoutingBackend({
        backends: { logger: new LoggerBackend({ filename: consumerFile }) },
        processors: [new LegacyFieldMappingProcessor(), new PrefixedEventProcessor()],
      }),
    },
  });
  const deadline = Date.now() + 20000;
  while (consumer.stats.delivered < 26 && Date.now() < deadline) await sleep(20);
  await consumer.close();
  const read = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { producerLines: read(producerFile), consumerLines: read(consumerFile) };
}
