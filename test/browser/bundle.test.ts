// The built browser files (scripts/build-browser.mjs, run by `npm run build`), checked
// without a browser: present, free of Node modules, small, and loadable.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';

const dist = join(__dirname, '../../dist/browser');
const file = (name: string): string => {
  const path = join(dist, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (or node scripts/build-browser.mjs)`);
  return readFileSync(path, 'utf8');
};

describe('the browser build (dist/browser)', () => {
  // About 4 KiB (2 KiB gzipped) are the Logger, and 4.5 KiB (1.7 KiB gzipped) the option
  // checking it shares with the server side (src/core/options.ts).
  it.each(['index.mjs', 'index.cjs', 'global.js'])('%s imports no Node module and stays a few KB', (name) => {
    const code = file(name);
    expect(code).not.toMatch(/\bnode:|\brequire\(/);
    expect(code.length).toBeLessThan(10 * 1024);
    expect(gzipSync(code).length).toBeLessThan(4 * 1024);
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

  it('createLogger and configure refuse an unknown option, naming the nearest, and a wrong type, naming the expected one', () => {
    const { createLogger } = require(join(dist, 'index.cjs'));
    const refusal = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error instanceof TypeError && error.name === 'OptionsError' ? error.message : error;
      }
      return 'accepted';
    };
    expect(refusal(() => createLogger({ pathprefix: '/lms' }))).toBe("createLogger: unknown option 'pathprefix'; did you mean 'pathPrefix'?");
    expect(refusal(() => createLogger({ courseId: 42 }))).toBe(
      "createLogger: option 'courseId' must be null or a string or a function, got 42 (a number)",
    );
    expect(refusal(() => createLogger({ batch: { size: 0 } }))).toBe(
      "createLogger: option 'batch.size' must be an integer of 1 or more, got 0 (a number)",
    );
    expect(refusal(() => createLogger({ fetchOptions: 'include' }))).toBe(
      `createLogger: option 'fetchOptions' must be an object of fetch() options, got "include" (a string)`,
    );
    const logger = createLogger({ batch: { delay: 60000 } });
    expect(refusal(() => logger.configure({ bacth: false }))).toBe("Logger.configure: unknown option 'bacth'; did you mean 'batch'?");
    expect(refusal(() => logger.configure({ batch: { delay: -1 } }))).toBe(
      "Logger.configure: option 'batch.delay' must be a number of 0 or more, got -1 (a number)",
    );
    expect(refusal(() => logger.configure({ batch: false, courseId: null, endpoint: '/lms/event', pathPrefix: '', fetchOptions: {}, onError: () => undefined }))).toBe('accepted');
  });

  it('ships declarations that resolve, and type LoggerOptions from the same description (misspellings fail to compile)', () => {
    const consumer = join(mkdtempSync(join(tmpdir(), 'et-browser-types-')), 'consumer.ts');
    writeFileSync(
      consumer,
      [
        `import { createLogger, type BatchOptions, type LoggerOptions } from ${JSON.stringify(join(dist, 'index'))};`,
        `const batch: BatchOptions = { delay: 100, size: 5 };`,
        `const options: LoggerOptions = { endpoint: '/lms/event', batch, courseId: () => null };`,
        `const logger = createLogger(options);`,
        `// @ts-expect-error a misspelled option does not compile`,
        `logger.configure({ endPoint: '/x' });`,
        `// @ts-expect-error so does a value of the wrong type`,
        `createLogger({ batch: 'yes' });`,
      ].join('\n'),
    );
    const program = ts.createProgram([consumer], {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      target: ts.ScriptTarget.ES2019,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'],
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
