// The payload types inferred from definitions, checked by the real TypeScript compiler:
// each fixture in type-fixtures/ says on its first line whether it must compile or which
// error it must fail with ("Must fail (TS2322)"), and fails with that error only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const fixtures = join(__dirname, 'type-fixtures');
const files = readdirSync(fixtures).filter((file) => file.endsWith('.ts') && file !== 'events.ts');

const program = ts.createProgram(
  files.map((file) => join(fixtures, file)),
  { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, types: ['node'] },
);

function errorsOf(file: string): string[] {
  const source = program.getSourceFile(join(fixtures, file));
  if (!source) throw new Error(`${file} is not in the program`);
  return ts.getPreEmitDiagnostics(program, source).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('payload types inferred from event definitions (tsc on fixtures)', () => {
  it('has fixtures that must compile and fixtures that must fail', () => {
    const firstLines = files.map((file) => readFileSync(join(fixtures, file), 'utf8').split('\n')[0] ?? '');
    expect(firstLines.filter((line) => line.startsWith('// Must compile')).length).toBeGreaterThanOrEqual(1);
    expect(firstLines.filter((line) => line.startsWith('// Must fail')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s', (file) => {
    const firstLine = readFileSync(join(fixtures, file), 'utf8').split('\n')[0] ?? '';
    const errors = errorsOf(file);
    const code = /Must fail \((TS\d+)\)/.exec(firstLine)?.[1];
    if (code === undefined) {
      expect(firstLine).toMatch(/^\/\/ Must compile/);
      expect(errors).toEqual([]);
    } else {
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^${code}:`));
    }
  });
});
