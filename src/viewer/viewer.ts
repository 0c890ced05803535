import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { getTracker } from '../core/registry';
import { Tracker } from '../core/tracker';
import type { Backend, TrackedEvent } from '../core/types';
import { encodeJson } from '../encoding/json';
import { EventRegistry } from '../events/registry';
import { PasswordCensorProcessor } from '../processors/censor-passwords';
import { toEntry, type ViewerEntry } from './entry';
import { viewerPage } from './page';

const viewerOptions = defineOptions('createEventViewer', {
  /** The tracker whose events are shown; the viewer registers a backend named `'event_viewer'` on it. Default: the default tracker. */
  tracker: option.instance<Tracker>('a Tracker', (value) => value instanceof Tracker),
  /** The declared events: an event that fails its definition gets a badge. Default: none (no badges). */
  registry: option.instance<EventRegistry>('an EventRegistry (from registerEvents)', (value) => value instanceof EventRegistry),
  /** How many of the latest events the server keeps for a page that opens. Default: 1000. */
  bufferSize: option.number({ min: 1, max: 100000, integer: true }),
  /** More names whose values never leave the server, added to the `PasswordCensorProcessor` defaults. Default: none. */
  censorKeys: option.arrayOf(option.string({ nonEmpty: true })),
  /** Mount even when `NODE_ENV` is `'production'`. Default: false (refused: the viewer shows every user's events). */
  force: option.boolean(),
});

/** Options of {@link createEventViewer}. */
export type EventViewerOptions = OptionsOf<typeof viewerOptions.fields>;

/** A live event viewer: mount {@link EventViewer.handle} (or an adapter's mount) and open its page. */
export interface EventViewer {
  /** Serves the page (`/`), the event stream (`/stream`, server-sent events) and the buffer (`/events.json`), paths relative to the mount. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The latest events, oldest first (at most `bufferSize`). */
  readonly entries: readonly ViewerEntry[];
  /** How many pages are connected to the stream. */
  readonly clients: number;
  /** Ends every stream; from then on the viewer's backend (still registered) ignores events. */
  close(): void;
}

/** The name of the backend a viewer registers on its tracker. */
export const VIEWER_BACKEND_NAME = 'event_viewer';

/**
 * Creates the development-only live event viewer of a tracker: it registers a backend
 * that keeps the latest events (censored by a `PasswordCensorProcessor` of its own,
 * whatever the tracker's configuration) and streams them to the viewer page with
 * server-sent events. Throws when `NODE_ENV` is `'production'`, unless `force`.
 * Mount it with `eventViewerMiddleware` of `eventtracking/express` or `eventtracking/koa`,
 * or call `viewer.handle(req, res)` from any Node HTTP server.
 */
export function createEventViewer(options: EventViewerOptions = {}): EventViewer {
  const checked = viewerOptions.check(options);
  if (process.env.NODE_ENV === 'production' && checked.force !== true) {
    throw new OptionsError('createEventViewer', "the event viewer is for development: NODE_ENV is 'production'. It shows every user's events; pass force: true to mount it anyway");
  }
  return new LiveViewer(checked);
}

class LiveViewer implements EventViewer {
  private readonly buffer: ViewerEntry[] = [];
  private readonly streams = new Set<ServerResponse>();
  private readonly censor: PasswordCensorProcessor;
  private readonly bufferSize: number;
  private readonly registry: EventRegistry | undefined;
  private lastId = 0;
  private closed = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(options: EventViewerOptions) {
    const tracker = options.tracker ?? getTracker();
    this.bufferSize = options.bufferSize ?? 1000;
    this.registry = options.registry;
    this.censor = new PasswordCensorProcessor({ extraKeys: options.censorKeys ?? [] });
    this.keepAlive = setInterval(() => this.broadcast(': keep-alive\n\n'), 15000).unref();
    const backend: Backend = { send: (event) => this.receive(event) };
    tracker.registerBackend(VIEWER_BACKEND_NAME, backend);
  }

  get entries(): readonly ViewerEntry[] {
    return this.buffer;
  }

  get clients(): number {
    return this.streams.size;
  }

  private receive(event: TrackedEvent): void {
    if (this.closed) return;
    // A copy as JSON data (the router's copy is shared with nothing, but the censor edits in place).
    const copy = JSON.parse(encodeJson(event)) as TrackedEvent;
    const problems = this.registry ? this.registry.check(copy) : [];
    const entry = toEntry(++this.lastId, this.censor.process(copy), problems);
    this.buffer.push(entry);
    if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
    this.broadcast(sseMessage(entry));
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('The event viewer only answers GET.\n');
    } else if (path === '/' || path === '') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(viewerPage());
    } else if (path === '/stream') {
      this.openStream(req, res);
    } else if (path === '/events.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(this.buffer));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No ${path} here: the event viewer serves /, /stream and /events.json.\n`);
    }
  }

  private openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 1000\n\n${this.buffer.map(sseMessage).join('')}`);
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  private broadcast(message: string): void {
    for (const stream of this.streams) stream.write(message);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}

function sseMessage(entry: ViewerEntry): string {
  return `data: ${JSON.stringify(entry)}\n\n`;
}
