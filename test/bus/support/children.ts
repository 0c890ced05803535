// Child processes of the bus suites: TypeScript entry points (test/bus/children/*.ts,
// src/cli/index.ts) bundled with esbuild from the sources, so the children run the code
// under test without a build step; `redis` and `nats` stay external (loaded lazily, as
// users load them). Every child is killed by pid when the file ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';
import { forkChild, killChildren as killRunning, type Child } from '../../support/child-process';

export type { Child } from '../../support/child-process';

const ROOT = join(__dirname, '..', '..', '..');
let out: string | undefined;
const bundles = new Map<string, string>();

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

/**
 * Starts a bundled entry point with node. It is SIGKILLed after `lifetimeMs`
 * (Default: 120 s) whatever happens, and by {@link killChildren}.
 */
export function startChild(entry: string, args: string[] = [], options: { lifetimeMs?: number; env?: NodeJS.ProcessEnv } = {}): Child {
  const env = { NODE_PATH: join(ROOT, 'node_modules'), ...options.env };
  return forkChild(bundle(entry), entry, args, { env, lifetimeMs: options.lifetimeMs ?? 120000, messageTimeoutMs: 60000 });
}

/** Kills every child still running and removes the bundles. */
export async function killChildren(): Promise<void> {
  await killRunning();
  if (out) rmSync(out, { recursive: true, force: true });
  out = undefined;
  bundles.clear();
}
