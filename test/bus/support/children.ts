// Child processes of the bus suites: TypeScript entry points (test/bus/children/*.ts,
// src/cli.ts) bundled with esbuild from the sources, so the children run the code
// under test without a build step; `redis` and `nats` stay external (loaded lazily, as
// users load them). Every child is killed by pid when the file ends.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
let out: string | undefined;
const bundles = new Map<string, string>();
const running = new Set<ChildProcess>();

/** The bundled script of `entry` (a path relative to the repository), built once per test file. */
export function bundle(entry: string): string {
  let outfile = bundles.get(entry);
  if (!outfile) {
    out ??= mkdtempSync(join(tmpdir(), 'et-bus-children-'));
    outfile = join(out, `${basename(entry, '.ts')}-${bundles.size}.js`);
    buildSync({
      entryPoints: [join(ROOT, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
      external: ['redis', 'nats', 'winston', 'winston-transport', '@segment/analytics-node'],
    });
    bundles.set(entry, outfile);
  }
  return outfile;
}

/** A running child, what it has written, and its IPC messages. */
export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  messages: Record<string, unknown>[];
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
  /** Resolves with the first message (past or future) for which `match` holds. */
  message(match: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Starts a bundled entry point with node, an IPC channel, and a hard lifetime. */
export function startChild(entry: string, args: string[] = [], options: { lifetimeMs?: number; env?: NodeJS.ProcessEnv } = {}): Child {
  const child = fork(bundle(entry), args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...options.env },
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const lifetime = setTimeout(() => child.kill('SIGKILL'), options.lifetimeMs ?? 120000);
  lifetime.unref();
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(lifetime);
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on('message', (message: Record<string, unknown>) => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (!waiter.match(message)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    messages,
    exited,
    message(match, timeoutMs = 60000) {
      const seen = messages.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${entry}: no matching message within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
        const waiter = {
          match,
          resolve: (m: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.push(waiter);
        void exited.then((code) => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(new Error(`${entry} exited (${code}) before the expected message; stderr: ${err.slice(-2000)}`));
        });
      });
    },
  };
}

/** Kills every child still running (by pid) and removes the bundles. */
export function killChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  if (out) rmSync(out, { recursive: true, force: true });
  out = undefined;
  bundles.clear();
}
