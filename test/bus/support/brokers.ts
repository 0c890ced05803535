// The real brokers of the bus suites: the machine's Redis (127.0.0.1:6379) and NATS
// with JetStream (127.0.0.1:4222), checked before a suite runs; and private servers
// on free ports, in temporary directories, for the restart tests (so the shared ones
// are never stopped). Every server started here is stopped by pid when the file ends.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { createClient } from 'redis';

export const REDIS_URL = process.env.BUS_REDIS_URL || 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.BUS_NATS_URL || 'nats://127.0.0.1:4222';
const NODE_MODULES = join(__dirname, '..', '..', '..', 'node_modules');

/** Runs a probe script in a child node (synchronously, as `describe` must decide at once). */
function probe(script: string): string | undefined {
  try {
    execFileSync(process.execPath, ['-e', script], { timeout: 8000, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_PATH: NODE_MODULES } });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n').pop();
    return stderr || (error as Error).message;
  }
}

const redisProblem = probe(`
  const { createClient } = require('redis');
  const c = createClient({ url: ${JSON.stringify(REDIS_URL)}, socket: { reconnectStrategy: false, connectTimeout: 3000 } });
  c.on('error', () => {});
  c.connect().then(() => c.sendCommand(['PING'])).then(() => c.close()).then(() => process.exit(0),
    (e) => { console.error('Redis at ${REDIS_URL} is not reachable: ' + e.message); process.exit(1); });`);

const natsProblem = probe(`
  const { connect } = require('nats');
  connect({ servers: ${JSON.stringify(NATS_URL)}, timeout: 3000 }).then(async (nc) => {
    const jsm = await nc.jetstreamManager(); await jsm.getAccountInfo(); await nc.close(); process.exit(0);
  }).catch((e) => { console.error('NATS with JetStream at ${NATS_URL} is not reachable: ' + e.message); process.exit(1); });`);

function describeWith(part: 'REDIS' | 'NATS', problem: string | undefined, hint: string, name: string, body: () => void): void {
  if (problem === undefined) {
    describe(name, body);
    return;
  }
  const why = `${problem}. ${hint}`;
  if (process.env[`REQUIRE_${part}`] === '1') {
    describe(name, () => {
      it(`runs against a real ${part.toLowerCase()} server`, () => {
        throw new Error(`REQUIRE_${part}=1 but ${why}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED "${name}": ${why} Set REQUIRE_${part}=1 to fail instead of skipping. ***\n`);
  describe.skip(name, body);
}

/** `describe` when Redis answers; otherwise skipped loudly, or failed under `REQUIRE_REDIS=1`. */
export function describeWithRedis(name: string, body: () => void): void {
  describeWith('REDIS', redisProblem, 'Start redis-server (Debian package redis-server), as .ci/run does.', name, body);
}

/** `describe` when NATS with JetStream answers; otherwise skipped loudly, or failed under `REQUIRE_NATS=1`. */
export function describeWithNats(name: string, body: () => void): void {
  describeWith('NATS', natsProblem, 'Start nats-server -js (Debian package nats-server), as .ci/run does.', name, body);
}

/** Where a server binary is, if it is installed. */
function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * `describe` for the restart tests, which start private servers: they need the broker
 * reachable and its server binary installed (skipped loudly, or failed under REQUIRE_*=1).
 */
export function describeWithPrivateServer(part: 'REDIS' | 'NATS', name: string, body: () => void): void {
  const binary = part === 'REDIS' ? 'redis-server' : 'nats-server';
  const shared = part === 'REDIS' ? redisProblem : natsProblem;
  const problem = shared ?? (findBinary(binary) ? undefined : `${binary} is not installed`);
  describeWith(part, problem, `Install Debian's ${binary} package, as .ci/run does.`, name, body);
}

let counter = 0;
/** A stream name no other test (or run) uses. NATS stream names allow no dots. */
export function uniqueStream(label: string): string {
  return `et-test-${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Deletes streams (and their dead-letter streams) from a Redis server. */
export async function deleteRedisStreams(url: string, streams: string[]): Promise<void> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (const stream of streams) await client.sendCommand(['DEL', stream, `${stream}:dead`]);
  } catch {
    // the server may be gone (a private one already stopped)
  } finally {
    if (client.isOpen) await client.close();
  }
}

/** Deletes JetStream streams. */
export async function deleteNatsStreams(url: string, streams: string[]): Promise<void> {
  const nc = await connect({ servers: url, timeout: 3000 }).catch(() => undefined);
  if (!nc) return;
  const jsm = await nc.jetstreamManager();
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A broker server this suite started: its URL, and stop / start (same port, same data directory). */
export interface PrivateServer {
  url: string;
  dir: string;
  start(): Promise<void>;
  /** Stops it gracefully (Redis: SHUTDOWN NOSAVE, which still writes the AOF; NATS: SIGTERM). */
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();
const serverDirs: string[] = [];

/** Kills every server this suite started that is still running (by pid), and removes their directories. */
export function stopPrivateServers(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
  for (const dir of serverDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * A private `redis-server` with the append-only file on (so a restart keeps the
 * streams, their groups and their pending lists), on a free port, in a temporary directory.
 */
export async function privateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'et-bus-redis-'));
  serverDirs.push(dir);
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const ping = async (): Promise<boolean> => {
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => undefined);
    await client.connect();
    await client.sendCommand(['PING']);
    await client.close();
    return true;
  };
  const server: PrivateServer = {
    url,
    dir,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir, '--logfile', join(dir, 'redis.log')];
      child = spawn(findBinary('redis-server') ?? 'redis-server', args, { stdio: 'ignore' });
      started.add(child);
      await waitUntil(ping, `redis-server on port ${port} answering`);
    },
    async stop() {
      if (!child) return;
      const client = createClient({ url, socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      await client.connect();
      await client.sendCommand(['SHUTDOWN', 'NOSAVE']).catch(() => undefined); // the connection drops: expected
      await exited(child);
      started.delete(child);
      child = undefined;
    },
  };
  await server.start();
  return server;
}

/** A private `nats-server -js` on a free port with its own JetStream directory. */
export async function privateNats(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'et-bus-nats-'));
  serverDirs.push(dir);
  const url = `nats://127.0.0.1:${port}`;
  const binary = findBinary('nats-server') ?? 'nats-server';
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    url,
    dir,
    async start() {
      child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir, '-l', join(dir, 'nats.log')], { stdio: 'ignore' });
      started.add(child);
      await waitUntil(async () => {
        const nc = await connect({ servers: url, timeout: 500 });
        await (await nc.jetstreamManager()).getAccountInfo();
        await nc.close();
        return true;
      }, `nats-server on port ${port} answering`);
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await exited(child);
      started.delete(child);
      child = undefined;
    },
  };
  await server.start();
  return server;
}
