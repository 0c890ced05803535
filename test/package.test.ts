import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// These run against the built package (`npm test` builds first), through its exports map.
const root = join(__dirname, '..');
const pkg = require('../package.json') as { exports: Record<string, unknown> };
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
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
      for (const variant of Object.values(conditions as Record<string, { types: string }>)) {
        expect(existsSync(join(root, variant.types))).toBe(true);
      }
    }
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
