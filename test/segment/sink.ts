import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sink received. */
export interface SinkRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (`{ batch, writeKey, sentAt }` for `/v1/batch`). */
  body: { batch: SegmentMessage[]; writeKey?: string; sentAt?: string };
  /** The status the sink answered, or undefined if it never answered. */
  status?: number;
}

/** One message of a batch, as the Segment client sends it. */
export interface SegmentMessage {
  type: string;
  event?: string;
  userId?: string;
  anonymousId?: string;
  properties?: Record<string, any>;
  traits?: Record<string, any>;
  context?: Record<string, any>;
  timestamp?: string;
  messageId: string;
  [key: string]: any;
}

/**
 * A stand-in for the Segment API on 127.0.0.1 (a free port): it records every
 * request and answers 200, or what it is told to — a status some number of
 * times, a status for good, or nothing at all (hang). `close()` stops it and cuts
 * every open connection, so the client then meets a dead endpoint.
 */
export class SegmentSink {
  /** Every request, in arrival order (failed and hung ones included). */
  readonly requests: SinkRequest[] = [];
  private readonly failures: number[] = [];
  private steadyStatus = 200;
  private hanging = false;
  private readonly hung = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly url: string) {}

  /** Starts a sink on 127.0.0.1, port 0. */
  static async start(): Promise<SegmentSink> {
    let sink: SegmentSink | undefined;
    const server = createServer((req, res) => sink!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sink = new SegmentSink(server, `http://127.0.0.1:${port}`);
    return sink;
  }

  /** The next `times` requests are answered `status`. */
  failNext(times: number, status = 500): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  /** Every later request is answered `status`. */
  respondWith(status: number): void {
    this.steadyStatus = status;
  }

  /** With `true`, requests are read and recorded but never answered. */
  hang(on = true): void {
    this.hanging = on;
  }

  /** The messages of every batch answered 2xx, in order. */
  get delivered(): SegmentMessage[] {
    return this.requests.filter((r) => r.status !== undefined && r.status < 300).flatMap((r) => r.body.batch);
  }

  /** Stops listening and cuts every connection (hung requests included). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: SinkRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = { batch: [] };
      }
      const record: SinkRequest = { path: req.url ?? '', headers: req.headers, body };
      this.requests.push(record);
      if (this.hanging) {
        this.hung.add(res);
        return;
      }
      record.status = this.failures.shift() ?? this.steadyStatus;
      res.writeHead(record.status, { 'content-type': 'application/json' }).end('{}');
    });
  }
}
