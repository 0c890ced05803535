// Runs one planned block in a child node process (test/docs/harness.cjs) and gathers
// what it printed and what its fixture checked. A page's blocks are saved in one run
// folder inside the repository, where `require('eventtracking')` resolves to the built
// package through its own exports; each block runs in a fresh temporary working folder,
// where the files it writes (./tracking.log) land.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockRun } from './plan';

const HARNESS = join(__dirname, 'harness.cjs');
const RUNS = join(__dirname, 'block-runs');
/** A block that runs longer than this is killed (its fixture waits for Redis, jest, Chromium at most). */
const TIMEOUT_MS = 90000;

/** What running a block gave. */
export interface BlockResult {
  /** The exit code, or the signal that ended the process. */
  exit: number | string;
  stdout: string;
  stderr: string;
  /** What the fixture checked, one line each; undefined when the harness wrote no report. */
  verified?: string[];
}

/** Saves every script block of a page in a new run folder and returns it. */
export function writePageFiles(page: string, runs: BlockRun[]): string {
  mkdirSync(RUNS, { recursive: true });
  const dir = mkdtempSync(join(RUNS, `${page.replace(/[^\w]+/g, '-')}-`));
  for (const run of runs) if (run.file) writeFileSync(join(dir, run.file), run.block.code);
  return dir;
}

/** Removes a page's run folder. */
export function removePageFiles(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `run` (saved in `dir`) with its fixture, in a fresh working folder. */
export function runBlock(run: BlockRun, dir: string): Promise<BlockResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'docs-block-'));
  const report = join(cwd, '.docs-report.json');
  const spec = {
    fixture: run.fixture,
    argument: run.argument,
    file: run.file ? join(dir, run.file) : undefined,
    content: run.block.code,
    previous: run.previous,
    report,
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARNESS], {
      cwd,
      env: { ...process.env, DOCS_BLOCK: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const verified = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { verified: string[] }).verified : undefined;
      rmSync(cwd, { recursive: true, force: true });
      resolve({ exit: code ?? signal ?? 'unknown', stdout, stderr, verified });
    });
  });
}

/** Runs at most `limit` of the tasks given to it at once (the machine has 2 cores, shared with other suites). */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
