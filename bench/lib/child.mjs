// Child-process helpers for the benchmark runner.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.join(here, '..');
const repoDir = path.join(benchDir, '..');
let childrenDir = path.join(benchDir, 'children');
export const childPath = (name) => path.join(childrenDir, name);

/**
 * Installs a snapshot of the built package for this run: `bench/.snapshot-<pid>/` holds
 * `node_modules/eventtracking` (package.json + dist/, copied) and a copy of
 * `children/`, under a package.json of another name. The children then load
 * `require('eventtracking')` from node_modules, as an app does, and a rebuild of
 * dist/ by another process during the run cannot mix two builds. Dependencies
 * (express, winston, ...) resolve from the repository's node_modules. Removed on exit.
 * Returns the snapshot's description (the build's time).
 */
export function installSnapshot() {
  const dir = path.join(benchDir, `.snapshot-${process.pid}`);
  const pkgDir = path.join(dir, 'node_modules', 'eventtracking');
  const distIndex = path.join(repoDir, 'dist', 'cjs', 'index.js');
  if (!fs.existsSync(distIndex)) throw new Error('dist/ is missing: run `npm run build` first');
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (let attempt = 0; ; attempt++) {
    const before = fs.statSync(distIndex).mtimeMs;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(pkgDir, { recursive: true });
    fs.copyFileSync(path.join(repoDir, 'package.json'), path.join(pkgDir, 'package.json'));
    fs.cpSync(path.join(repoDir, 'dist'), path.join(pkgDir, 'dist'), { recursive: true });
    fs.cpSync(path.join(benchDir, 'children'), path.join(dir, 'children'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "eventtracking-bench-snapshot", "private": true }\n');
    // A build that was running while we copied (its files changing) means: copy again.
    if (fs.statSync(distIndex).mtimeMs === before || attempt >= 5) {
      childrenDir = path.join(dir, 'children');
      return { dir, distBuiltAt: new Date(before).toISOString() };
    }
  }
}

const live = new Set();

/** Kills every child still running (on exit or interrupt): no benchmark process is left behind. */
export function killAll() {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch {}
  }
  live.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { killAll(); process.exit(130); });
}

function track(child) {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/**
 * A scenario server: forks children/http-server.cjs for `variant`, resolves once it
 * listens. `call(cmd, extra)` sends a control message and resolves with the reply.
 */
export async function startServer(variant, tmpdir, execArgv = []) {
  const child = track(fork(childPath('http-server.cjs'), [variant, tmpdir], {
    execArgv: ['--expose-gc', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  let nextId = 1;
  const waiting = new Map();
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server ${variant} exited early (code ${code})`)));
    child.on('message', (msg) => {
      if (msg.type === 'ready') return resolve(msg);
      const pending = waiting.get(msg.id);
      if (!pending) return;
      waiting.delete(msg.id);
      if (msg.ok) pending.resolve(msg);
      else pending.reject(new Error(`server ${variant}: ${msg.error}`));
    });
  });
  const { port, pid, packagePath } = await ready;
  const call = (cmd, extra = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    child.send({ cmd, id, ...extra });
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try { await Promise.race([call('exit'), new Promise((r) => setTimeout(r, 5000))]); } catch {}
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { variant, port, pid, packagePath, call, stop };
}

/** Runs a one-shot child (`children/<script>`) with JSON options; resolves with its result message. */
export function runChild(script, options, execArgv = ['--expose-gc']) {
  return new Promise((resolve, reject) => {
    const child = track(fork(childPath(script), [JSON.stringify(options)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }));
    let result;
    child.on('message', (msg) => { result = msg; });
    child.on('exit', (code) => {
      if (result?.type === 'result') resolve(result);
      else reject(new Error(`${script} failed (exit ${code}): ${result?.error ?? 'no result'}`));
    });
  });
}
