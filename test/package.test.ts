import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { packCleanCopy, ScratchApp, tarballFiles } from './package/scratch-app';

// The package as a user gets it: `npm pack` in a clean copy of the repository (no dist/),
// the tarball installed with npm into an app outside the repository, and every entry
// required, imported and type-checked there, as CommonJS and as ES modules, under each of
// TypeScript's module resolutions. Packing builds the package: this takes a minute.
const SETUP_TIMEOUT = 300_000;

interface Manifest {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
}

const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'eventtracking-package-')));
let tarball: string;
let files: string[];
let app: ScratchApp;
let manifest: Manifest;

beforeAll(() => {
  tarball = packCleanCopy(workDir);
  files = tarballFiles(tarball);
  app = ScratchApp.install(workDir, tarball);
  manifest = JSON.parse(readFileSync(join(app.packageDir, 'package.json'), 'utf8')) as Manifest;
}, SETUP_TIMEOUT);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Every string in an exports map (targets and conditions' targets). */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(targets);
}

/** Code written as users would write it, type-checked in the app (see the end of this file). */
const consumers = join(__dirname, 'package', 'consumer');
const withoutDot = (path: string) => path.replace(/^\.\//, '');
const specifier = (subpath: string) => (subpath === '.' ? 'eventtracking' : `eventtracking/${subpath.slice(2)}`);
// The entries built from the Node code (the package.json packed is this one); the browser
// ones are builds of their own, checked apart.
const packageExports = (require('../package.json') as Manifest).exports;
const nodeSubpaths = Object.keys(packageExports).filter((key) => key !== './package.json' && !key.startsWith('./browser'));

/** The declarations `require(subpath)` gets through the exports map. */
function requireTypes(conditions: unknown): string | undefined {
  const { require, types } = conditions as { require?: { types?: string }; types?: string };
  return require?.types ?? types;
}

describe('package.json', () => {
  it('gives classic node10 resolution (main/types, typesVersions) the declarations exports gives require(), for every entry', () => {
    const { types, typesVersions } = require('../package.json') as Manifest;
    const classic = Object.fromEntries(Object.entries(typesVersions['*'] ?? {}).map(([path, [target]]) => [`./${path}`, target]));
    const expected: Record<string, string | undefined> = {};
    for (const [subpath, conditions] of Object.entries(packageExports)) {
      if (subpath === '.') expect(types).toBe(requireTypes(conditions));
      else if (subpath !== './package.json') expected[subpath] = requireTypes(conditions);
    }
    expect(classic).toEqual(expected);
  });

  it('has every entry imported by the consumers that are type-checked below', () => {
    const sources = readdirSync(consumers).map((file) => readFileSync(join(consumers, file), 'utf8')).join('\n');
    const missing = Object.keys(packageExports).filter((subpath) => subpath !== './package.json' && !sources.includes(`'${specifier(subpath)}'`));
    expect(missing).toEqual([]);
  });
});

describe('the tarball', () => {
  it('holds every file that package.json points at: exports, typesVersions, main, types, bin', () => {
    const named = [
      ...targets(manifest.exports),
      ...Object.values(manifest.typesVersions ?? {}).flatMap((paths) => Object.values(paths).flat()),
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
    ].map(withoutDot);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((path) => !files.includes(path))).toEqual([]);
  });

  it('holds the AGPL-3.0 LICENSE that package.json names', () => {
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(app.packageDir, 'LICENSE'), 'utf8')).toMatch(/^\s*GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3, 19 November 2007/);
    expect(JSON.parse(readFileSync(join(app.packageDir, 'package.json'), 'utf8')).license).toBe('AGPL-3.0-only');
  });

  it('holds only what a user runs or reads: dist/, package.json, LICENSE, README, CHANGELOG', () => {
    expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
  });

  it('has source maps that resolve, if any: each map and each source it names is shipped, or the source is inlined', () => {
    const broken: string[] = [];
    for (const file of files.filter((name) => /\.(c|m)?js$/.test(name))) {
      const code = readFileSync(join(app.packageDir, file), 'utf8');
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
      if (url === undefined || url.startsWith('data:')) continue;
      const map = join(dirname(file), url);
      if (!files.includes(map)) {
        broken.push(`${file} -> ${map}`);
        continue;
      }
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(app.packageDir, map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      sources.forEach((source, i) => {
        const shipped = files.includes(relative(app.packageDir, join(app.packageDir, dirname(map), source)));
        if (!shipped && typeof sourcesContent?.[i] !== 'string') broken.push(`${map} -> ${source}`);
      });
    }
    expect(broken).toEqual([]);
  });
});

describe('installed from the tarball into an app', () => {
  it.each(nodeSubpaths)('%s gives the same exports to require() and import, as one module instance', (subpath) => {
    const name = specifier(subpath);
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const cjs = require('${name}');
      const esm = await import('${name}');
      const cjsNames = Object.keys(cjs).filter((k) => k !== '__esModule').sort();
      const esmNames = Object.keys(esm).sort();
      const same = cjsNames.every((k) => esm[k] === cjs[k]);
      console.log(JSON.stringify({ cjsNames, esmNames, same, file: require.resolve('${name}') }));`;
    const result = JSON.parse(app.node(['--input-type=module', '-e', script]));
    expect(result.cjsNames.length).toBeGreaterThan(0);
    expect(result.esmNames).toEqual(result.cjsNames);
    expect(result.same).toBe(true);
    expect(result.file.startsWith(app.packageDir)).toBe(true);
  });

  it('./browser gives the browser builds to import and require(); ./browser/global is the classic script', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const esm = await import('eventtracking/browser');
      const cjs = require('eventtracking/browser');
      console.log(JSON.stringify({
        esm: Object.keys(esm).sort(), cjs: Object.keys(cjs).sort(),
        esmFile: import.meta.resolve('eventtracking/browser'),
        cjsFile: require.resolve('eventtracking/browser'),
        global: require.resolve('eventtracking/browser/global'),
      }));`;
    const result = JSON.parse(app.node(['--input-type=module', '-e', script]));
    expect(result.esm).toEqual(['Logger', 'createLogger', 'log_event']);
    expect(result.cjs).toEqual(result.esm);
    expect(result.esmFile).toBe(`file://${join(app.packageDir, 'dist/browser/index.mjs')}`);
    expect(result.cjsFile).toBe(join(app.packageDir, 'dist/browser/index.cjs'));
    expect(result.global).toBe(join(app.packageDir, 'dist/browser/global.js'));
  });

  it('emits into the default tracker from plain CommonJS, as a user would', () => {
    const script = `
      const { Tracker, MemoryBackend, registerTracker, tracker } = require('eventtracking');
      const mem = new MemoryBackend();
      registerTracker(new Tracker({ backends: { mem } }));
      tracker.emit('from.cjs', { ok: true });
      console.log(mem.events[0].name);`;
    expect(app.node(['-e', script]).trim()).toBe('from.cjs');
  });

  it('works without the optional peers, and a bus transport names the one to install', () => {
    const script = `
      const { RedisStreamTransport, NatsJetStreamTransport } = require('eventtracking');
      for (const Transport of [RedisStreamTransport, NatsJetStreamTransport]) {
        try { new Transport(); console.log('built'); } catch (error) { console.log(error.message); }
      }`;
    expect(app.node(['-e', script]).trim().split('\n')).toEqual([
      "RedisStreamTransport needs the 'redis' package, which is not installed: run `npm install redis`",
      "NatsJetStreamTransport needs the 'nats' package, which is not installed: run `npm install nats`",
    ]);
  });

  it('turns an event into an xAPI statement with eventtracking/xapi, as a user would', () => {
    const script = `
      const { transformToXapi, XAPI_EVENT_NAMES } = require('eventtracking/xapi');
      const event = {
        name: 'edx.course.enrollment.activated',
        timestamp: '2020-07-15T06:36:01.917775+00:00',
        data: { course_id: 'course-v1:edX+DemoX+Demo_Course', user_id: 3, mode: 'audit' },
        context: { course_id: 'course-v1:edX+DemoX+Demo_Course' },
      };
      const statement = transformToXapi(event, { lmsRootUrl: 'http://localhost:18000', actorId: () => 'learner-1' });
      console.log(JSON.stringify([XAPI_EVENT_NAMES.length, statement.verb.id, statement.object.id, statement.context.extensions]));`;
    const version = (require('../package.json') as { version: string }).version;
    expect(JSON.parse(app.node(['-e', script]))).toEqual([
      65,
      'http://adlnet.gov/expapi/verbs/registered',
      'http://localhost:18000/course/course-v1:edX+DemoX+Demo_Course',
      { 'https://w3id.org/xapi/openedx/extension/transformer-version': `eventtracking@${version}` },
    ]);
  });

  it('installs the eventtracking command', () => {
    const bin = join(app.dir, 'node_modules', '.bin', 'eventtracking');
    expect(app.node([bin, 'help'])).toMatch(/^usage: eventtracking <command>/);
  });
});

// Each resolution with the module setting that goes with it; `preserve` lets a bundler-style
// app use both import and require(). Classic node10 reads typesVersions, not exports.
const RESOLUTIONS = {
  node16: 'node16',
  nodenext: 'nodenext',
  bundler: 'preserve',
  node10: 'commonjs',
} as const;
/** The consumers (test/package/consumer): Node code without the DOM, browser code without Node's types. */
const PROGRAMS = {
  node: { lib: ['es2022'], types: ['node'], files: ['node-cjs.cts', 'node-esm.mts'] },
  browser: { lib: ['es2022', 'dom'], types: [], files: ['browser-cjs.cts', 'browser-esm.mts'] },
};

describe('type-checked in the app, with skipLibCheck: false and esModuleInterop: false', () => {
  // Eight compiler runs of several seconds each: all queued at once, two at a time.
  let reports: Map<string, Promise<string>>;
  beforeAll(() => {
    app.addFiles(readdirSync(consumers).map((file) => join(consumers, file)));
    const configs: Record<string, object> = {};
    for (const [moduleResolution, module] of Object.entries(RESOLUTIONS)) {
      for (const [kind, { files, ...options }] of Object.entries(PROGRAMS)) {
        const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, esModuleInterop: false, target: 'es2022', module, moduleResolution, ...options };
        configs[`tsconfig.${moduleResolution}.${kind}.json`] = { compilerOptions, files };
      }
    }
    reports = app.typecheckAll(configs, 2);
  });

  it.each(Object.keys(RESOLUTIONS))(
    'every entry resolves with its types under moduleResolution %s, from CommonJS and from ES modules',
    async (moduleResolution) => {
      for (const kind of Object.keys(PROGRAMS)) {
        expect(await reports.get(`tsconfig.${moduleResolution}.${kind}.json`)).toBe('');
      }
    },
    180_000,
  );
});
