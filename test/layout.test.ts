import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The layers of src/, lowest first: a file may import from its own folder and from
// folders of a lower layer only, so the arrows run one way (DESIGN.md, "Layout").
const LAYERS: string[][] = [
  ['encoding'],
  ['core', 'keys'],
  ['processors', 'backends', 'segment', 'bus', 'operations'],
  ['request', 'testing'],
  ['views', 'jest'],
  ['express', 'koa'],
  ['config'],
  ['cli'],
  ['.'], // src/index.ts, the root entry
];
// The browser Logger is its own world: no Node code, and nothing of Node's side imports it.
const ISOLATED = ['browser'];

const src = join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The top folder of `file` under src/ ('.' for a file directly in src/). */
function areaOf(file: string): string {
  const parts = relative(src, file).split('/');
  return parts.length === 1 ? '.' : (parts[0] as string);
}

function layerOf(area: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(area));
  if (index < 0 && !ISOLATED.includes(area)) throw new Error(`src/${area}/ is in no layer of test/layout.test.ts: add it`);
  return index;
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1] as string);
}

const files = sourceFiles(src);

describe('the layout of src/', () => {
  it('has only the root entry directly in src/', () => {
    expect(files.filter((file) => areaOf(file) === '.').map((file) => relative(src, file))).toEqual(['index.ts']);
  });

  it('imports only downwards: no folder imports from a folder of its own layer or above', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = areaOf(file);
      for (const specifier of relativeImports(file)) {
        const to = areaOf(resolve(dirname(file), specifier));
        if (to === from) continue;
        const isolated = ISOLATED.includes(from) || ISOLATED.includes(to);
        if (isolated || layerOf(to) >= layerOf(from)) upward.push(`${relative(src, file)} imports ${specifier}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
