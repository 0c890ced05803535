// The apps the browser suites drive: the Express demo (examples/express) with a
// temporary tracking.log, and a small "lab" app that records what reaches /event.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { Tracker } from '../../src';
import { browserScriptHandler } from '../../src/express/browser-script';

/** A server on 127.0.0.1 and a free port. */
export interface Running {
  base: string;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1, port 0. */
export async function serve(app: express.Express): Promise<Running> {
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A tracking.log line, parsed. */
export type LoggedEvent = Record<string, any>;

/** The demo app with its own tracking.log. */
export interface Demo extends Running {
  tracker: Tracker;
  /** Waits (flushing the tracker) until tracking.log holds an event matching `predicate`. */
  waitForEvent(predicate: (event: LoggedEvent) => boolean, what: string): Promise<LoggedEvent>;
  /** Every event in tracking.log so far. */
  events(): Promise<LoggedEvent[]>;
}

/** Starts the Express demo, as `npm start` runs it, on a free port with a temporary tracking.log. */
export async function startDemo(): Promise<Demo> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createDemoApp } = require('../../examples/express/server.js');
  const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-browser-')), 'tracking.log');
  const { app, tracker } = createDemoApp({ trackingLog, secretKey: 'browser-demo-secret' }) as { app: express.Express; tracker: Tracker };
  const running = await serve(app);
  const events = async (): Promise<LoggedEvent[]> => {
    await tracker.flush();
    if (!existsSync(trackingLog)) return [];
    return readFileSync(trackingLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LoggedEvent);
  };
  const waitForEvent = async (predicate: (event: LoggedEvent) => boolean, what: string): Promise<LoggedEvent> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = (await events()).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`tracking.log has no ${what} after 5 s:\n${(await events()).map((e) => e.event_type).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    ...running,
    tracker,
    events,
    waitForEvent,
    close: async () => {
      await running.close();
      await tracker.close();
    },
  };
}

/** One request that reached the lab's endpoint. */
export interface Recorded {
  method: string;
  /** The path and query. */
  url: string;
  contentType: string | undefined;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The lab app: pages loading the Logger, and endpoints recording what reaches them. */
export interface Lab extends Running {
  /** Requests to `/event` and `/lms/event`, in arrival order. */
  received: Recorded[];
  /** The status the endpoints answer. Default 200. */
  status: number;
  /** Waits until `count` requests were received. */
  waitForRequests(count: number): Promise<Recorded[]>;
}

/**
 * Starts the lab. `GET /page` loads the classic script (`?prefix=` adds a
 * `<meta name="path_prefix">`); `GET /module` imports the ES module build as
 * `globalThis.esm`; `/event` and `/lms/event` record each request and answer `lab.status`.
 */
export async function startLab(): Promise<Lab> {
  const app = express();
  const received: Recorded[] = [];
  const lab = { received, status: 200 } as Lab;
  app.get('/eventtracking.js', browserScriptHandler());
  app.get('/browser/index.mjs', (_req, res) => {
    res.type('application/javascript').send(readFileSync(join(__dirname, '../../dist/browser/index.mjs')));
  });
  app.get('/page', (req, res) => {
    const prefix = typeof req.query.prefix === 'string' ? `<meta name="path_prefix" content="${req.query.prefix.replace(/"/g, '')}">` : '';
    res.send(`<!doctype html><html><head>${prefix}<script src="/eventtracking.js"></script></head><body>lab</body></html>`);
  });
  app.get('/module', (_req, res) => {
    res.send(`<!doctype html><html><head><script type="module">
      import * as esm from '/browser/index.mjs';
      globalThis.esm = esm;
    </script></head><body>module</body></html>`);
  });
  app.all(['/event', '/lms/event'], express.text({ type: () => true }), (req, res) => {
    received.push({ method: req.method, url: req.originalUrl, contentType: req.headers['content-type'], body: typeof req.body === 'string' ? req.body : '', headers: req.headers });
    res.status(lab.status).send(lab.status === 200 ? 'success' : 'boom');
  });
  Object.assign(lab, await serve(app));
  lab.waitForRequests = async (count) => {
    const deadline = Date.now() + 5000;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`the lab received ${received.length} requests, not ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return received.slice(0, count);
  };
  return lab;
}
