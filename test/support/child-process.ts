// Child processes of the suites that need them (reliability, bus): each is forked with
// an IPC channel, its output kept, SIGKILLed after a hard lifetime, and killed (by
// pid) by killChildren when the test file ends.
import { fork, type ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

/** A running child, what it has written so far, and its IPC messages. */
export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Every IPC message received so far (the children send objects). */
  messages: Record<string, unknown>[];
  /** Resolves with the exit code (or the signal's name) when it ends. */
  exited: Promise<number | string>;
  /** Resolves with the first IPC message (past or future) for which `match` holds. */
  message<T = Record<string, unknown>>(match: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Kills it (SIGKILL unless told otherwise) if it is still running. */
  kill(signal?: NodeJS.Signals): void;
}

/** How a child is started. */
export interface ForkOptions {
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** SIGKILLed after this long, whatever happens. */
  lifetimeMs: number;
  /** The default wait of `message()`. */
  messageTimeoutMs: number;
}

/** Forks `script` (a JavaScript file) with node; `label` names it in errors. */
export function forkChild(script: string, label: string, args: string[], options: ForkOptions): Child {
  const child = fork(script, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const lifetime = setTimeout(() => child.kill('SIGKILL'), options.lifetimeMs);
  lifetime.unref();
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(lifetime);
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: Array<{ match: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];
  child.on('message', (message) => {
    messages.push(message as Record<string, unknown>);
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
    message<T>(match: (message: T) => boolean, timeoutMs = options.messageTimeoutMs): Promise<T> {
      const seen = messages.find((m) => match(m as T));
      if (seen !== undefined) return Promise.resolve(seen as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no matching message within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
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
          reject(new Error(`${label} exited (${code}) before sending the expected message; stderr: ${err.slice(-2000)}`));
        });
      });
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Kills every child still running and resolves once they have exited (call in afterAll/afterEach). */
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
