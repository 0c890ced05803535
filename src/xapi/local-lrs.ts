import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

/** Faults a {@link LocalLrs} plays, each on a share (0–1) of the POSTs, drawn from a seeded sequence. */
export interface LrsFaults {
  /** Answer 500 without storing. Default: 0. */
  serverErrors?: number;
  /** Store the statements, then never answer (the client times out; its retry finds them stored). Default: 0. */
  timeouts?: number;
  /** Answer 429 with `Retry-After: retryAfterSeconds`, without storing. Default: 0. */
  throttles?: number;
  /** The `Retry-After` of a 429, in seconds. Default: 1. */
  retryAfterSeconds?: number;
  /** Answer 400 to any request holding one of these statement ids, as an LRS refuses a batch with an invalid statement. Default: none. */
  rejectIds?: string[];
  /** The seed of the sequence that picks which POSTs fail. Default: 1. */
  seed?: number;
}

/** Options of {@link startLocalLrs}. */
export interface LocalLrsOptions {
  /** The port. Default: 0 (any free one). */
  port?: number;
  /** The interface. Default: `'127.0.0.1'`. */
  host?: string;
  /** Basic auth the LRS requires, with `password`. Default: none. */
  username?: string;
  /** Basic auth password. Default: none. */
  password?: string;
  /** A Bearer token the LRS requires (instead of Basic). Default: none. */
  token?: string;
  /** The faults to play. Default: none. */
  faults?: LrsFaults;
}

/** Counts of what a {@link LocalLrs} answered. */
export interface LocalLrsCounts {
  posts: number;
  puts: number;
  gets: number;
  /** Statements written to the store (a statement held already is not written again). */
  stored: number;
  /** POSTs stored and left without an answer (the `timeouts` fault). */
  unanswered: number;
  /** Answers by status: `{ 200: 12, 500: 3 }`. */
  statuses: Record<number, number>;
}

/** A running local LRS: its statements, its counts, its faults (change them at any time), and `close()`. */
export interface LocalLrs {
  /** The xAPI base URL: `http://127.0.0.1:PORT/xAPI`. */
  readonly url: string;
  /** The statements stored, by id, in the order stored. */
  readonly statements: Map<string, Record<string, unknown>>;
  readonly counts: LocalLrsCounts;
  faults: LrsFaults;
  /** Stops the server (requests left hanging by `timeouts` are ended). */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Starts a small learning record store for tests and demos: the xAPI statements
 * resource at `/xAPI/statements` as an LRS like Ralph answers it. POST takes one
 * statement or an array: ids it holds with the same content are left out (204 when
 * nothing is new), a held id with other content is a 409 and nothing is stored, else
 * 200 with the ids stored. PUT `?statementId=` stores one (204; 409 on other content).
 * GET gives one statement (`?statementId=`) or all (`{ statements, more }`). A statement
 * lacking `actor`, `verb` or `object` is a 400. Auth, when configured, is checked
 * (401). Faults make it answer 500, 429 or not at all on a share of the POSTs.
 * Not a real LRS: everything is in memory.
 */
export async function startLocalLrs(options: LocalLrsOptions = {}): Promise<LocalLrs> {
  const statements = new Map<string, Record<string, unknown>>();
  const counts: LocalLrsCounts = { posts: 0, puts: 0, gets: 0, stored: 0, unanswered: 0, statuses: {} };
  const hanging = new Set<ServerResponse>();
  const expectedAuth =
    options.token !== undefined ? `Bearer ${options.token}` : options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` : undefined;
  let random = seeded(options.faults?.seed ?? 1);
  let faults = options.faults ?? {};

  const answer = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
    res.writeHead(status, { 'X-Experience-API-Version': '1.0.3', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lrs');
    if (url.pathname.replace(/\/+$/, '') !== '/xAPI/statements') return answer(res, 404, { detail: `no resource ${url.pathname}; statements are at /xAPI/statements` });
    if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) return answer(res, 401, { detail: 'invalid authentication credentials' });
    if (req.method === 'GET') {
      counts.gets++;
      const id = url.searchParams.get('statementId');
      if (id === null) return answer(res, 200, { statements: [...statements.values()], more: '' });
      const found = statements.get(id);
      return found ? answer(res, 200, found) : answer(res, 404, { detail: `no statement ${id}` });
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return answer(res, 405, { detail: `${req.method} is not allowed` });
    if (req.headers['x-experience-api-version'] === undefined) return answer(res, 400, { detail: 'the X-Experience-API-Version header is missing' });
    const text = await readBody(req);
    if (text === undefined) return answer(res, 413, { detail: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return answer(res, 400, { detail: 'the body is not JSON' });
    }
    const given = Array.isArray(parsed) ? parsed : [parsed];
    if (req.method === 'PUT') {
      counts.puts++;
      const id = url.searchParams.get('statementId');
      if (id === null || given.length !== 1) return answer(res, 400, { detail: 'PUT takes one statement and a statementId parameter' });
      (given[0] as Record<string, unknown>).id ??= id;
    } else counts.posts++;
    const problem = given.map(statementProblem).find((found) => found !== undefined);
    if (problem !== undefined) return answer(res, 400, { detail: problem });
    const batch = given as Record<string, unknown>[];
    for (const statement of batch) statement.id ??= randomUUID();
    const ids = batch.map((statement) => String(statement.id));
    if (new Set(ids).size !== ids.length) return answer(res, 400, { detail: 'duplicate statement ids in one request' });
    const rejected = ids.find((id) => faults.rejectIds?.includes(id));
    if (rejected !== undefined) return answer(res, 400, { detail: `statement ${rejected} is invalid (a fault of the local LRS)` });
    if (req.method === 'POST') {
      const roll = random();
      const { serverErrors = 0, throttles = 0, timeouts = 0 } = faults;
      if (roll < serverErrors) return answer(res, 500, { detail: 'internal error (a fault of the local LRS)' });
      if (roll < serverErrors + throttles) return answer(res, 429, { detail: 'too many requests' }, { 'Retry-After': String(faults.retryAfterSeconds ?? 1) });
      if (roll < serverErrors + throttles + timeouts) {
        store(batch, ids);
        hanging.add(res);
        counts.unanswered++;
        return;
      }
    }
    const conflict = batch.find((statement) => statements.has(String(statement.id)) && !isDeepStrictEqual(statements.get(String(statement.id)), statement));
    if (conflict !== undefined) return answer(res, 409, { detail: `Differing statements already exist with the same ID: ${String(conflict.id)}` });
    const fresh = store(batch, ids);
    if (req.method === 'PUT' || fresh.length === 0) return answer(res, 204);
    return answer(res, 200, fresh);
  }

  /** Stores the statements it does not hold yet; returns their ids. */
  function store(batch: Record<string, unknown>[], ids: string[]): string[] {
    const fresh = ids.filter((id) => !statements.has(id));
    for (const statement of batch) {
      if (statements.has(String(statement.id))) continue;
      statements.set(String(statement.id), statement);
      counts.stored++;
    }
    return fresh;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 500, { detail: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/xAPI`,
    statements,
    counts,
    get faults() {
      return faults;
    },
    set faults(value: LrsFaults) {
      faults = value;
      random = seeded(value.seed ?? 1);
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Why `value` is not a statement this LRS takes, or undefined. */
function statementProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a statement must be an object';
  const statement = value as Record<string, unknown>;
  const missing = ['actor', 'verb', 'object'].filter((key) => typeof statement[key] !== 'object' || statement[key] === null);
  if (missing.length > 0) return `statement ${String(statement.id ?? '(no id)')} lacks ${missing.join(', ')}`;
  if (statement.id !== undefined && (typeof statement.id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(statement.id))) {
    return `statement id ${JSON.stringify(statement.id)} is not a UUID`;
  }
  return undefined;
}

/** The request body as text, or undefined past the size bound. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A small seeded sequence of numbers in [0, 1) (mulberry32): the same faults on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
