// Builds the browser Logger (src/browser) into dist/browser:
//   index.mjs   ES module, minified: `import { Logger } from 'eventtracking/browser'`
//   index.cjs   CommonJS, for test runners that require() it (jest with jsdom)
//   global.js   classic script defining window.Logger and window.log_event
//   *.d.ts      declarations, emitted by tsc with src/browser/tsconfig.json; with them
//               dist/core/options.d.ts, of the one file the Logger imports from outside
//               src/browser (src/core/options.ts, which has no imports)
// and prints the minified and gzipped sizes. Run after `tsc -p tsconfig.build.json`.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/browser');
const out = join(root, 'dist/browser');
const tsconfig = join(source, 'tsconfig.json');
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
rmSync(join(root, 'dist/core'), { recursive: true, force: true });

// Declarations first: this also typechecks the browser code with the DOM lib.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig, '--emitDeclarationOnly'], {
  cwd: root,
  stdio: 'inherit',
});

// index.d.mts: the declarations of index.mjs as an ES module (index.d.ts is CommonJS, for
// index.cjs). Without it TypeScript under node16/nodenext would take index.mjs for CommonJS
// and allow a default import that fails at run time.
writeFileSync(join(out, 'index.d.mts'), "export * from './index.js';\n");

const common = {
  bundle: true,
  minify: true,
  target: ['es2019'],
  platform: 'browser',
  tsconfig,
  legalComments: 'none',
  logLevel: 'warning',
};
const outputs = [
  { entryPoints: [join(source, 'index.ts')], format: 'esm', outfile: join(out, 'index.mjs') },
  { entryPoints: [join(source, 'index.ts')], format: 'cjs', outfile: join(out, 'index.cjs') },
  { entryPoints: [join(source, 'global.ts')], format: 'iife', outfile: join(out, 'global.js') },
];
await Promise.all(outputs.map((options) => build({ ...common, ...options })));

for (const { outfile } of outputs) {
  const code = readFileSync(outfile);
  if (/\bnode:/.test(code.toString('utf8'))) throw new Error(`${outfile} mentions a node: module; browser code must not`);
  const size = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
  console.log(`${relative(root, outfile)}: ${size(code.length)} minified, ${size(gzipSync(code, { level: 9 }).length)} gzipped`);
}
