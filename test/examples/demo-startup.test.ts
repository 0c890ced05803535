// The demos as `npm start` runs them (a child process on the built package): they check
// tracking.log before listening, and let go of a rotated file on SIGHUP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

function start(framework: string, trackingLog: string) {
  const child = spawn(process.execPath, [join(__dirname, '../../examples', framework, 'server.js')], {
    env: { ...process.env, TRACKING_LOG: trackingLog, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The files process `pid` has open. */
function openFiles(pid: number): string[] {
  const targets: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      targets.push(readlinkSync(`/proc/${pid}/fd/${fd}`, 'utf8'));
    } catch {
      // closed meanwhile
    }
  }
  return targets;
}

describe.each(['express', 'koa', 'fastify', 'hono'])('the %s demo at startup', (framework) => {
  it('exits 1 before listening, with the explained error, when tracking.log cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-demo-start-'));
    writeFileSync(join(dir, 'file'), '');
    const demo = start(framework, join(dir, 'file', 'tracking.log'));
    expect(await demo.exited).toBe(1);
    expect(demo.stdout()).toBe('');
    expect(demo.stderr()).toBe(
      `cannot create ${dir}/file/tracking.log: ${dir}/file is a file, not a directory; choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename), or move ${dir}/file away\n`,
    );
  });

  it('opens tracking.log before listening, and lets go of a rotated file on SIGHUP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-demo-start-'));
    const file = join(dir, 'tracking.log');
    const demo = start(framework, file);
    await until(() => demo.stdout().includes('Demo course site'), 'the demo to listen');
    const pid = demo.child.pid!;
    expect(openFiles(pid)).toContain(file);
    renameSync(file, `${file}.1`);
    expect(openFiles(pid)).toContain(`${file}.1`);
    demo.child.kill('SIGHUP');
    await until(() => !openFiles(pid).includes(`${file}.1`), 'the demo to close the rotated file');
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });
});
