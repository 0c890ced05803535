import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The layers of src/, lowest first: a file may import from its own folder and from
// folders of a lower layer only, so the arrows run one way (DESIGN.md, "Layout").
const LAYERS: string[][] = [
  ['encoding'],
  ['core', 'keys'],
  ['processors', 'backends', 'segment', 'bus', 'operations'],
  ['xapi', 'events'],
  ['request', 'testing'],
  ['views', 'jest', 'jobs', 'viewer'],
  ['express', 'koa', 'fastify', 'hono'],
  ['config'],
  ['cli'],
  ['.'], // src/index.ts, the root entry
];
// The browser Logger is its own world: no Node code, and nothing of Node's side imports it.
// From outside its folder it imports only the files listed here, which import nothing.
const ISOLATED: Record<string, string[]> = { browser: ['core/options.ts'] };

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
  if (index < 0 && !(area in ISOLATED)) throw new Error(`src/${area}/ is in no layer of test/layout.test.ts: add it`);
  return index;
}

/** The modules `file` imports, relative ones (`./x`, `../y`) or, with `all`, bare ones (`node:fs`, `winston`) too. */
function imports(file: string, all = false): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = all ? /(?:from|import)\s*\(?\s*'([^']+)'/g : /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
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
      for (const specifier of imports(file)) {
        const target = resolve(dirname(file), specifier);
        const to = areaOf(target);
        if (to === from) continue;
        const allowed = ISOLATED[from]?.includes(`${relative(src, target)}.ts`) ?? layerOf(from) > layerOf(to);
        if (!allowed || to in ISOLATED) upward.push(`${relative(src, file)} imports ${specifier}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('lets the isolated folders import only files that import nothing (so no Node module reaches the browser)', () => {
    const listed = Object.values(ISOLATED).flat();
    expect(listed.filter((file) => imports(join(src, file), true).length > 0)).toEqual([]);
  });
});
