// Child processes of the reliability suite: started with a hard lifetime, their
// output kept, and always killed (by pid) when the test file ends.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Where the child scripts live. They run the built package (dist/), as users do. */
export const CHILDREN = join(__dirname, '..', 'children');

const running = new Set<ChildProcess>();

/** A child process and what it has written so far. */
export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when it ends. */
  exited: Promise<number | string>;
  /** Resolves with the first IPC message for which `match` holds. */
  message<T = Record<string, unknown>>(match: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Kills it (SIGKILL unless told otherwise) if it is still running. */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts `test/reliability/children/<script>` with node (an IPC channel, stdout and
 * stderr piped). It is SIGKILLed after `lifetimeMs` whatever happens, and by
 * {@link killChildren}.
 */
export function startChild(script: string, args: string[] = [], options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; lifetimeMs?: number } = {}): Child {
  const child = fork(join(CHILDREN, script), args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const lifetime = setTimeout(() => child.kill('SIGKILL'), options.lifetimeMs ?? 90000);
  lifetime.unref();
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(lifetime);
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const messages: unknown[] = [];
  const waiters: Array<{ match: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];
  child.on('message', (message) => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    message<T>(match: (message: T) => boolean, timeoutMs = 30000): Promise<T> {
      const seen = messages.find((m) => match(m as T));
      if (seen !== undefined) return Promise.resolve(seen as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no matching message within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
        const waiter = {
          match: (m: unknown) => match(m as T),
          resolve: (m: unknown) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        waiters.push(waiter);
        void exited.then((code) => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code}) before sending the expected message; stderr: ${err.slice(-2000)}`));
        });
      });
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Kills every child still running (call in afterAll/afterEach). */
export async function killChildren(): Promise<void> {
  const waits = [...running].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}
