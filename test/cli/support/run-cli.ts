// The `eventtracking` CLI as a child process: src/cli/index.ts bundled with esbuild from
// the sources (no build step), into test/artifacts/ inside the repository so that
// `--version` finds the package.json above it, as it does in an installed package.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
let dir: string | undefined;
const running = new Set<ChildProcess>();

/** The bundled CLI, built once per test file. */
export function cliScript(): string {
  if (!dir) {
    mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'test', 'artifacts', 'cli-'));
    buildSync({
      entryPoints: [join(ROOT, 'src', 'cli', 'index.ts')],
      outfile: join(dir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
      external: ['redis', 'nats', 'winston', 'winston-transport', '@segment/analytics-node'],
    });
  }
  return join(dir, 'index.js');
}

/** A running CLI: what it has written so far, and its end. */
export interface CliChild {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** How a CLI child is started. */
export interface CliOptions {
  /** Node options before the script (`--require`, ...). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Told of each chunk of stdout instead of keeping it (for large outputs). */
  onStdout?: (chunk: Buffer) => void;
}

/** Starts `eventtracking ...args`. It is killed (by pid) by {@link stopClis}. */
export function startCli(args: string[], options: CliOptions = {}): CliChild {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), cliScript(), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...options.env },
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (options.onStdout ? options.onStdout(chunk) : (out += chunk.toString('utf8'))));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `eventtracking ...args` to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = startCli(args, options);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

/** Kills every CLI still running (by pid) and removes the bundle. */
export async function stopClis(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs` with `what` and `detail()`. */
export async function waitFor(what: string, check: () => boolean, detail: () => string = () => '', timeoutMs = 15000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
