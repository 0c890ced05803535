// A Segment API stand-in on 127.0.0.1 that misbehaves on demand: answers 500, answers
// too late (past the client's httpRequestTimeout), or cuts the connection. It keeps
// every message it processed by messageId, so that duplicates (a batch processed but
// answered too late is sent again) can be told from deliveries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the sink does with one request. */
export type Fault = 'ok' | 'error500' | 'timeout' | 'reset';

/** One message of a batch, as @segment/analytics-node sends it. */
export interface SinkMessage {
  messageId: string;
  event?: string;
  userId?: string;
  properties?: Record<string, any>;
  context?: Record<string, any>;
  [key: string]: any;
}

export class FaultSink {
  /** Requests by what was done with them. */
  readonly counts: Record<Fault, number> = { ok: 0, error500: 0, timeout: 0, reset: 0 };
  /** Every message processed (answered 2xx, or processed and answered too late), by messageId, with how many times. */
  readonly processed = new Map<string, { message: SinkMessage; times: number }>();
  /** The raw bodies of every request received (for searching what left). */
  readonly rawBodies: string[] = [];
  private schedule: Fault[] = [];
  private steady: Fault = 'ok';
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** How long a 'timeout' answer is held, in ms. */
    readonly lateByMs: number,
  ) {}

  static async start(lateByMs = 1000): Promise<FaultSink> {
    let sink: FaultSink | undefined;
    const server = createServer((req, res) => sink!.handle(req, res));
    server.on('connection', (socket: Socket) => {
      sink!.sockets.add(socket);
      socket.once('close', () => sink!.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sink = new FaultSink(server, `http://127.0.0.1:${port}`, lateByMs);
    return sink;
  }

  /** The next requests get these faults, in order; then `steady`. */
  failNext(faults: Fault[]): void {
    this.schedule.push(...faults);
  }

  /** What every request gets once the schedule is used up. */
  respondWith(fault: Fault): void {
    this.steady = fault;
  }

  /** Faults scheduled and not yet used. */
  get scheduled(): number {
    return this.schedule.length;
  }

  /** Messages processed more than once (a retry after an answer came too late). */
  get duplicates(): number {
    let extra = 0;
    for (const { times } of this.processed.values()) extra += times - 1;
    return extra;
  }

  /** Every message processed once, in arrival order. */
  get messages(): SinkMessage[] {
    return [...this.processed.values()].map(({ message }) => message);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      this.rawBodies.push(raw);
      const fault = this.schedule.shift() ?? this.steady;
      this.counts[fault]++;
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault === 'error500') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"injected"}');
        return;
      }
      this.process(raw);
      if (fault === 'timeout') {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }, this.lateByMs);
        this.timers.add(timer);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  private process(raw: string): void {
    let batch: SinkMessage[] = [];
    try {
      batch = (JSON.parse(raw) as { batch?: SinkMessage[] }).batch ?? [];
    } catch {
      return;
    }
    for (const message of batch) {
      const seen = this.processed.get(message.messageId);
      if (seen) seen.times++;
      else this.processed.set(message.messageId, { message, times: 1 });
    }
  }
}
