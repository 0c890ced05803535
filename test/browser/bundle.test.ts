// The built browser files (scripts/build-browser.mjs, run by `npm run build`), checked
// without a browser: present, free of Node modules, small, and loadable.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';

const dist = join(__dirname, '../../dist/browser');
const file = (name: string): string => {
  const path = join(dist, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (or node scripts/build-browser.mjs)`);
  return readFileSync(path, 'utf8');
};

describe('the browser build (dist/browser)', () => {
  it.each(['index.mjs', 'index.cjs', 'global.js'])('%s imports no Node module and stays a few KB', (name) => {
    const code = file(name);
    expect(code).not.toMatch(/\bnode:|\brequire\(/);
    expect(code.length).toBeLessThan(6 * 1024);
    expect(gzipSync(code).length).toBeLessThan(3 * 1024);
  });

  it('ships declarations for the module entry', () => {
    const types = file('index.d.ts');
    expect(types).toMatch(/export declare const Logger: EventLogger/);
    expect(types).toMatch(/@deprecated/);
    expect(file('logger.d.ts')).toMatch(/log\(eventType: string, data\?: unknown, element\?: unknown, requestOptions\?: LogRequestOptions\): Promise<Response>/);
  });

  it('global.js defines window.Logger and window.log_event (the same function as Logger.log)', () => {
    const window: Record<string, any> = {};
    runInNewContext(file('global.js'), { window });
    expect(Object.keys(window).sort()).toEqual(['Logger', 'log_event']);
    expect(Object.keys(window.Logger).sort()).toEqual(['bind', 'configure', 'flush', 'listen', 'log']);
    expect(window.log_event).toBe(window.Logger.log);
  });

  it('index.cjs loads outside a browser without touching the DOM (for test runners)', () => {
    const exports = require(join(dist, 'index.cjs'));
    expect(Object.keys(exports).sort()).toEqual(['Logger', 'createLogger', 'log_event']);
    const heard: unknown[] = [];
    const logger = exports.createLogger();
    logger.listen('x', null, (...args: unknown[]) => heard.push(args));
    logger.bind(); // no window: nothing to watch, no error
    expect(heard).toEqual([]);
  });
});
