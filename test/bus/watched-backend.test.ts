// The consumer's view of a backend: what counts as a failure of send and flush.
import { LoggerBackend } from '../../src/backends/logger';
import { RoutingBackend } from '../../src/core/routing';
import type { Backend, ErrorReporter } from '../../src/core/types';
import { WatchedBackend } from '../../src/bus/watched-backend';
import { never } from './support/scripted-transport';
import { removeTempFiles, tempFile } from './support/scenarios';

afterAll(removeTempFiles);

describe("the consumer's view of a backend (WatchedBackend)", () => {
  const quiet: ErrorReporter = () => undefined;

  it('counts a throw, a rejection, a report during send, and a dropped counter as failures', async () => {
    const thrower = new WatchedBackend('t', { send: () => { throw new Error('boom'); } }, quiet, 1000);
    expect((thrower.send({}) as Error).message).toBe('boom');
    const rejecter = new WatchedBackend('r', { send: async () => { throw new Error('later'); } }, quiet, 1000);
    expect(((await rejecter.send({})) as Error).message).toBe('later');
    // A router swallows its backend's failure and reports it: still a failure.
    const router = new RoutingBackend({ backends: { inner: { send: () => { throw new Error('inner failed'); } } } });
    const watchedRouter = new WatchedBackend('router', router, quiet, 1000);
    expect((watchedRouter.send({ name: 'x' }) as Error).message).toBe('inner failed');
    // LoggerBackend drops an event over maxEventSize: counted in `dropped`, reported.
    const logger = new LoggerBackend({ filename: tempFile('t.log'), maxEventSize: 10 });
    const watchedLogger = new WatchedBackend('logger', logger, quiet, 1000);
    expect(watchedLogger.send({ name: 'far too long for ten characters' })).toBeInstanceOf(Error);
    expect(watchedLogger.send({ n: 1 })).toBeUndefined();
    await logger.close();
  });

  it('fails the events named in a report made during flush, or all of them for a failed flush', async () => {
    let reportRef: ErrorReporter = () => undefined;
    const backend: Backend = {
      send: () => undefined,
      bindErrorReporter: (report) => (reportRef = report),
      flush: async () => reportRef(new Error('write failed'), { stage: 'backend', eventName: 'bad' }),
    };
    const named = await new WatchedBackend('b', backend, quiet, 1000).flush();
    expect(named.all).toBeUndefined();
    expect(named.byName.get('bad')?.message).toBe('write failed');
    const hanging = await new WatchedBackend('h', { send: () => undefined, flush: never }, quiet, 50).flush();
    expect(hanging.all?.message).toBe('flush did not end within 50 ms');
    const ok = await new WatchedBackend('o', { send: () => undefined }, quiet, 50).flush();
    expect(ok).toEqual({ byName: new Map() });
  });
});
