import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// These run against the built package (`npm test` builds first), through its exports map.
const root = join(__dirname, '..');
const pkg = require('../package.json') as { exports: Record<string, unknown> };
// The browser entries are browser builds, not wrappers of the Node build: tested below and in test/browser.
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json' && !key.startsWith('./browser'));
const specifier = (subpath: string) => (subpath === '.' ? 'eventtracking' : `eventtracking/${subpath.slice(2)}`);

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

describe('the published package', () => {
  it('is built', () => {
    expect(existsSync(join(root, 'dist/cjs/index.js'))).toBe(true);
  });

  it.each(subpaths)('%s is importable from CommonJS and ESM with the same exports, as one module instance', (subpath) => {
    const name = specifier(subpath);
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const cjs = require('${name}');
      const esm = await import('${name}');
      const cjsNames = Object.keys(cjs).filter((k) => k !== '__esModule').sort();
      const esmNames = Object.keys(esm).sort();
      const same = cjsNames.every((k) => esm[k] === cjs[k]);
      console.log(JSON.stringify({ cjsNames, esmNames, same }));`;
    const result = JSON.parse(runNode(['--input-type=module', '-e', script]));
    expect(result.cjsNames.length).toBeGreaterThan(0);
    expect(result.esmNames).toEqual(result.cjsNames);
    expect(result.same).toBe(true);
  });

  it('ships type declarations for every entry', () => {
    for (const conditions of Object.values(pkg.exports)) {
      if (typeof conditions !== 'object' || conditions === null) continue;
      for (const variant of Object.values(conditions as Record<string, string | { types: string }>)) {
        const types = typeof variant === 'string' ? (conditions as { types?: string }).types : variant.types;
        expect(types && existsSync(join(root, types))).toBe(true);
      }
    }
  });

  it('./browser resolves to the browser builds from ESM and CommonJS; ./browser/global to the classic script', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const esm = await import('eventtracking/browser');
      const cjs = require('eventtracking/browser');
      console.log(JSON.stringify({
        esm: Object.keys(esm).sort(), cjs: Object.keys(cjs).sort(),
        esmFile: import.meta.resolve('eventtracking/browser'),
        global: require.resolve('eventtracking/browser/global'),
      }));`;
    const result = JSON.parse(runNode(['--input-type=module', '-e', script]));
    expect(result.esm).toEqual(['Logger', 'createLogger', 'log_event']);
    expect(result.cjs).toEqual(result.esm);
    expect(result.esmFile).toMatch(/\/dist\/browser\/index\.mjs$/);
    expect(result.global).toBe(join(root, 'dist/browser/global.js'));
  });

  it('emits into the default tracker from plain CommonJS, as a user would', () => {
    const script = `
      const { Tracker, MemoryBackend, registerTracker, tracker } = require('eventtracking');
      const mem = new MemoryBackend();
      registerTracker(new Tracker({ backends: { mem } }));
      tracker.emit('from.cjs', { ok: true });
      console.log(mem.events[0].name);`;
    expect(runNode(['-e', script]).trim()).toBe('from.cjs');
  });
});
