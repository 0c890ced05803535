// The request context carried through real BullMQ queues on the machine's Redis
// (127.0.0.1:6379; a queue of its own per run): jobs enqueued by concurrent requests of
// different users each run in exactly their request's context; a job enqueued outside
// a request runs in none; a retried job keeps its context; a forged context in the
// job's data is sanitised. Skipped loudly without Redis, failed under REQUIRE_REDIS=1.
import { Agent } from 'node:http';
import { Queue, Worker, type Job } from 'bullmq';
import express from 'express';
import { emit, type Context } from '../../src';
import { trackMiddleware } from '../../src/express';
import { JOB_CONTEXT_FIELD, processInJobContext, withJobContext } from '../../src/jobs';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { describeWithRedis } from '../bus/support/brokers';
import { listen, send, waitFor } from '../http/helpers';

const REQUESTS = 1000;
const CONCURRENCY = 50;
const connection = { host: '127.0.0.1', port: 6379 };
const REQUEST_FIELDS = ['user_id', 'username', 'session', 'ip', 'agent', 'host', 'path', 'course_id', 'org_id'];

type JobData = { n: number; failFirst?: boolean };

function requestFields(context: Context | undefined): Record<string, unknown> {
  return Object.fromEntries(REQUEST_FIELDS.map((name) => [name, context?.[name]]));
}

describeWithRedis('job context through BullMQ', () => {
  const queueName = `et-jobs-${process.pid}-${Date.now()}`;
  let capture: EventCapture;
  let queue: Queue;
  let worker: Worker;

  beforeAll(async () => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
    queue = new Queue(queueName, { connection });
    // The worker is made outside any request, as in a process of its own.
    worker = new Worker(
      queueName,
      processInJobContext(async (job: Job<JobData>) => {
        emit('test.job', { n: job.data.n, attempt: job.attemptsMade });
        if (job.data.failFirst && job.attemptsMade === 0) throw new Error('first attempt fails');
      }),
      { connection, concurrency: 50 },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    capture.restore();
  });

  const jobEvents = (n: number) => capture.events.filter((event) => event.name === 'test.job' && (event.data as { n: number }).n === n);

  it(`runs each of ${REQUESTS} jobs from concurrent requests of different users in exactly its request's context`, async () => {
    const app = express();
    app.use(trackMiddleware({ secretKey: 'job-secret', getUser: (req) => ({ id: Number(req.headers['x-user-id']), username: `user${String(req.headers['x-user-id'])}` }), getSessionKey: (req) => `s-${String(req.headers['x-user-id'])}` }));
    app.post(/^\/courses\/[^/]+\/enroll\/(\d+)$/, (req, res) => {
      const n = Number(req.path.split('/').pop());
      emit('test.request', { n });
      void queue.add('enroll', withJobContext({ n })).then(() => res.send('queued'));
    });
    const { url, close } = await listen(app);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    try {
      let next = 0;
      const client = async () => {
        while (next < REQUESTS) {
          const n = next++;
          const response = await send(`${url}/courses/course-v1:Org${n % 13}+C+R/enroll/${n}`, {
            method: 'POST',
            headers: { 'x-user-id': String(n % 97), 'user-agent': `agent-${n}`, 'x-forwarded-for': `198.51.100.${n % 250}` },
            agent,
          });
          expect(response.status).toBe(200);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, client));
    } finally {
      agent.destroy();
      await close();
    }
    await waitFor(() => capture.events.filter((event) => event.name === 'test.job').length >= REQUESTS, 60000);

    const mismatches: string[] = [];
    for (let n = 0; n < REQUESTS; n++) {
      const requestEvent = capture.events.find((event) => event.name === 'test.request' && (event.data as { n: number }).n === n);
      const jobs = jobEvents(n);
      const expected = requestFields(requestEvent?.context);
      if (expected.username !== `user${n % 97}` || expected.agent !== `agent-${n}`) mismatches.push(`request ${n}: ${JSON.stringify(expected)}`);
      if (jobs.length !== 1 || JSON.stringify(requestFields(jobs[0]?.context)) !== JSON.stringify(expected)) mismatches.push(`job ${n}: ${JSON.stringify(jobs.map((e) => e.context))}`);
    }
    expect(mismatches).toEqual([]);
  }, 120000);

  it('runs a job enqueued outside a request in no request context', async () => {
    const data = withJobContext({ n: -1 });
    expect(data[JOB_CONTEXT_FIELD]).toBeNull();
    await queue.add('cron', data);
    await waitFor(() => jobEvents(-1).length === 1, 20000);
    expect(jobEvents(-1)[0]?.context).toEqual({});
  });

  it('runs a retried job in the same context as its first attempt', async () => {
    const context = { user_id: 5, username: 'retry', course_id: 'course-v1:Org+Retry+R' };
    await queue.add('retry', { n: -2, failFirst: true, [JOB_CONTEXT_FIELD]: { v: 1, context } }, { attempts: 2 });
    await waitFor(() => jobEvents(-2).length === 2, 20000);
    expect(jobEvents(-2).map((event) => [(event.data as { attempt: number }).attempt, event.context])).toEqual([
      [0, context],
      [1, context],
    ]);
  });

  it('sanitises a forged context in the job data: no prototype keys, no unknown fields, no huge values', async () => {
    const forged = JSON.parse(`{"v":1,"context":{"__proto__":{"admin":true},"username":"${'m'.repeat(100000)}","event_source":"server","user_id":{"$ne":null}}}`) as unknown;
    await queue.add('forged', { n: -3, [JOB_CONTEXT_FIELD]: forged });
    await waitFor(() => jobEvents(-3).length === 1, 20000);
    expect(jobEvents(-3)[0]?.context).toEqual({ username: 'm'.repeat(2048) });
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });
});
