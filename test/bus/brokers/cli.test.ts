// `eventtracking consume` as a child process: the CLI (src/cli/index.ts, bundled from the
// sources) reads a real bus into a tracking.log, prints progress, and stops cleanly on SIGTERM.
// Its arguments and usage errors are tested without a broker in test/cli/consume.test.ts.
import { readFileSync, existsSync } from 'node:fs';
import { EventBusBackend } from '../../../src/bus/event-bus-backend';
import { createBusTransport, type BusTransportSpec } from '../../../src/bus/from-config';
import { Tracker } from '../../../src/core/tracker';
import { deleteNatsStreams, deleteRedisStreams, describeWithNats, describeWithRedis, NATS_URL, REDIS_URL, uniqueStream } from '../support/brokers';
import { killChildren, startChild } from '../support/children';
import { tempFile, waitFor, removeTempFiles } from '../support/scenarios';

const CLI = 'src/cli/index.ts';
const redisStreams: string[] = [];
const natsStreams: string[] = [];

afterAll(async () => {
  await killChildren();
  removeTempFiles();
  await deleteRedisStreams(REDIS_URL, redisStreams);
  await deleteNatsStreams(NATS_URL, natsStreams);
});

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function publish(spec: BusTransportSpec, stream: string, count: number): Promise<void> {
  const bus = new EventBusBackend({ transport: createBusTransport(spec), stream });
  const tracker = new Tracker({ backends: { bus } });
  tracker.context('edx.request', { user_id: 9, username: 'carol', ip: '10.1.1.1', host: 'lms.test' }, () => {
    // A producer without the censor: the consumer must censor on its own.
    for (let i = 0; i < count; i++) tracker.emit('edx.test.cli', { i, form: { password: `secret-${i}` } });
  });
  await tracker.close();
  expect(bus.published).toBe(count);
}

async function consumeThroughCli(flag: string[], spec: BusTransportSpec, stream: string): Promise<void> {
  const file = tempFile('central.log');
  const cli = startChild(CLI, ['consume', ...flag, '--stream', stream, '--group', 'central', '--consumer', 'cli-1', '--tracking-log', file, '--progress', '1']);
  await waitFor(() => cli.stderr().includes('reading'), 'the CLI starting', 20000);
  await publish(spec, stream, 3000);
  await waitFor(() => lines(file).length >= 3000, '3000 lines in the file', 30000);
  await waitFor(() => /\d+ events\/s, delivered \d+, lag \d+, dead-lettered 0/.test(cli.stderr()), 'a progress line', 10000);
  cli.process.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  expect(cli.stderr()).toContain('SIGTERM: finishing the batch in hand, then closing');
  expect(cli.stderr()).toContain('stopped; delivered 3000, dead-lettered 0, duplicates 0');
  const written = lines(file).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(written).toHaveLength(3000);
  expect(new Set(written.map((line) => (line.event as { i: number }).i)).size).toBe(3000);
  // Raw events on the bus, the legacy shim in the consumer: tracking.log's own layout.
  expect(written[0]).toMatchObject({ event_type: 'edx.test.cli', username: 'carol', ip: '10.1.1.1', host: 'lms.test', event_source: 'server', context: { user_id: 9 } });
  expect(written.filter((line) => JSON.stringify(line).includes('secret-'))).toEqual([]);
  expect(written[0]!.event).toMatchObject({ form: { password: '********' } });
  expect(String(written[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
}

describeWithRedis('eventtracking consume --redis', () => {
  it('writes the bus into a central tracking.log, prints progress, stops cleanly on SIGTERM', async () => {
    const stream = uniqueStream('cli');
    redisStreams.push(stream);
    await consumeThroughCli(['--redis', REDIS_URL], { redis: { url: REDIS_URL } }, stream);
  }, 60000);
});

describeWithRedis('eventtracking consume --redis --format openedx', () => {
  it("reads event-bus-redis's entries into a central tracking.log, prints progress, stops cleanly on SIGTERM", async () => {
    const stream = uniqueStream('cli-openedx');
    redisStreams.push(stream);
    await consumeThroughCli(['--redis', REDIS_URL, '--format', 'openedx'], { redis: { url: REDIS_URL, format: 'openedx' } }, stream);
  }, 60000);
});

describeWithNats('eventtracking consume --nats', () => {
  it('writes the bus into a central tracking.log, prints progress, stops cleanly on SIGTERM', async () => {
    const stream = uniqueStream('cli');
    natsStreams.push(stream);
    await consumeThroughCli(['--nats', NATS_URL], { nats: { servers: NATS_URL } }, stream);
  }, 60000);
});
