// An ES module consumer of every Node entry, type-checked in a scratch app by test/package.test.ts.
// Each `@ts-expect-error` fails the check if the entry's types resolved to `any`, or to
// CommonJS declarations that would allow a default import Node refuses at run time.
import { MemoryBackend, Tracker, tracker } from 'eventtracking';
import { trackMiddleware } from 'eventtracking/express';
import * as koa from 'eventtracking/koa';
import * as fastify from 'eventtracking/fastify';
import * as hono from 'eventtracking/hono';
import { runWithContext, withJobContext } from 'eventtracking/jobs';
import { EventMatchTolerates, captureEvents } from 'eventtracking/testing';
import 'eventtracking/jest';
import { XapiBackend, transformToXapi, type XapiStatement } from 'eventtracking/xapi';
import { defineEvent, registerEvents, Type } from 'eventtracking/events';
import { expect } from 'expect';
// @ts-expect-error: the package's ES modules have no default export
import rootDefault from 'eventtracking';
// @ts-expect-error: not an export
import { noSuchExport } from 'eventtracking/express';

const capture = captureEvents();
new Tracker({ backends: { memory: new MemoryBackend() } }).emit('edx.scratch', { ok: true });
tracker.emit('edx.scratch');
// The matcher that `eventtracking/jest` adds to jest's expect.
expect(capture.events[0]).toMatchEvent({ name: 'edx.scratch' }, EventMatchTolerates.default());
capture.restore();
const clicked = defineEvent({
  name: 'edx.scratch.link.clicked', description: 'A scratch event.', owner: 'scratch',
  data: Type.Object({ url: Type.String() }), example: { url: '/' }, emittedFrom: ['browser'],
});
const registry = registerEvents([clicked], { validation: 'off' });
// @ts-expect-error: the payload is type-checked against the definition
registry.emit('edx.scratch.link.clicked', { href: '/x' });
expect(capture.events[0]).toMatchEventDefinition(registry);

const statement = transformToXapi({ name: 'play_video' }, { lmsRootUrl: 'https://lms.example.com', actorId: () => undefined }) as XapiStatement | null;

export { rootDefault, noSuchExport, statement };
export const xapiBackend = new XapiBackend({ url: 'http://127.0.0.1:9/xAPI', lmsRootUrl: 'https://lms.example.com' });
export const jobData = runWithContext(null, () => withJobContext({ courseId: 'course-v1:a+b+c' }));
export const middlewares = [trackMiddleware(), koa.trackMiddleware(), fastify.trackMiddleware(), hono.trackMiddleware()];
