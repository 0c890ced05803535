// The package as a user gets it: packed from a clean copy of the repository (the copy has
// no dist/: `npm pack` must build it), then installed from the tarball with npm into an app
// of its own outside the repository.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { scratchManifests, type Lockfile, type PackedManifest } from './scratch-lock';

const repo = join(__dirname, '..', '..');
const run = promisify(execFile);

/** Packages the app installs beside the tarball, at the repository's versions: the compiler, Node's types, jest's expect. */
const TOOLS = ['typescript', '@types/node', 'expect'];

/** Runs npm as the running `npm test` does: the same npm under the same Node. */
function npm(args: string[], cwd: string): string {
  const cli = process.env.npm_execpath;
  const [file, argv] = cli ? [process.execPath, [cli, ...args]] : ['npm', args];
  return execFileSync(file, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Copies the files of the repository that a clone has (tracked, or new and not ignored:
 * no node_modules, no dist/), links the repository's node_modules for the build tools,
 * and runs `npm pack` there. Returns the tarball's path.
 */
export function packCleanCopy(workDir: string): string {
  const copy = join(workDir, 'clone');
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    if (!file || !existsSync(join(repo, file))) continue; // deleted but not yet committed
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(repo, file), join(copy, file));
  }
  if (existsSync(join(copy, 'dist'))) throw new Error('dist/ is tracked or not ignored by git: a clean clone would ship it as it is');
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(copy, 'node_modules'));
  npm(['pack', '--pack-destination', workDir], copy);
  const { name, version } = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as PackedManifest;
  return join(workDir, `${name}-${version}.tgz`);
}

/** The files in a tarball, relative to its package/ folder. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith('package/'))
    .map((line) => line.slice('package/'.length));
}

/** An app with the tarball installed, and the means to run Node and tsc in it. */
export class ScratchApp {
  /** The installed package's folder. */
  readonly packageDir: string;

  private constructor(readonly dir: string) {
    this.packageDir = join(dir, 'node_modules', 'eventtracking');
  }

  /**
   * Installs `tarball` into a new app in `workDir`/app with `npm ci`, from a lockfile cut
   * from the repository's (see scratch-lock.ts): from npm's cache, the registry only for
   * what the cache lacks.
   */
  static install(workDir: string, tarball: string): ScratchApp {
    const dir = join(workDir, 'app');
    mkdirSync(dir);
    const packed = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as PackedManifest;
    const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    const spec = `file:${relative(dir, tarball)}`;
    const { packageJson, packageLock } = scratchManifests(repoLock, packed, { spec, integrity }, TOOLS);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(packageLock, null, 2)}\n`);
    npm(['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    return new ScratchApp(dir);
  }

  /** Runs Node in the app with `args`: its standard output (its standard error is in the error it throws). */
  node(args: string[]): string {
    return execFileSync(process.execPath, args, { cwd: this.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Copies `files` into the app. */
  addFiles(files: string[]): void {
    for (const file of files) copyFileSync(file, join(this.dir, basename(file)));
  }

  /**
   * Type-checks with the app's own TypeScript under `config` (written to `name`): resolves
   * with the compiler's report, empty when it found nothing.
   */
  async typecheck(name: string, config: object): Promise<string> {
    const tsc = join(this.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      writeFileSync(join(this.dir, name), JSON.stringify(config, null, 2));
      await run(process.execPath, [tsc, '-p', name], { cwd: this.dir });
      return '';
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      return `${stdout ?? ''}${stderr ?? ''}`.trim() || message;
    }
  }

  /** Runs {@link typecheck} for each of `configs` (by file name), `width` at a time: their reports, by name. */
  typecheckAll(configs: Record<string, object>, width: number): Map<string, Promise<string>> {
    const queue = Object.keys(configs);
    const settle = new Map<string, (report: string) => void>();
    const reports = new Map(queue.map((name) => [name, new Promise<string>((resolve) => settle.set(name, resolve))]));
    const lane = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        (settle.get(name) as (report: string) => void)(await this.typecheck(name, configs[name] as object));
      }
    };
    for (let i = 0; i < width; i += 1) void lane();
    return reports;
  }
}
