import { codeBlocks, parseMarker } from './markdown';
import { planPage } from './plan';

const fence = '```';

describe('codeBlocks', () => {
  it('finds fences, indented ones in lists included, with their language, text and marker', () => {
    const page = [
      '# Page',
      '<!-- run: throws -->',
      `${fence}js`,
      'f();',
      fence,
      '- a list item:',
      '',
      `  ${fence}sh`,
      '  npm test',
      `  ${fence}`,
    ].join('\n');
    expect(codeBlocks(page)).toEqual([
      { line: 3, language: 'js', code: 'f();\n', marker: { kind: 'run', fixture: 'throws', argument: '' } },
      { line: 8, language: 'sh', code: 'npm test\n' },
    ]);
  });

  it('reports a marker it cannot read on the block', () => {
    const [block] = codeBlocks(`<!-- run: logs; files: x.js -->\n${fence}js\nx\n${fence}\n`);
    expect(block?.markerError).toMatch(/unknown marker option 'files: x.js'/);
  });
});

describe('parseMarker', () => {
  it('reads a fixture, an argument up to the semicolon, and the file option', () => {
    expect(parseMarker('run', ': jest-test A=1 B=2; file: app.test.js')).toEqual({ kind: 'run', fixture: 'jest-test', argument: 'A=1 B=2', file: 'app.test.js' });
  });

  it('reads a JSON string argument whole, semicolons and quotes included', () => {
    expect(parseMarker('run', String.raw`: throws "a; \"b\"" ; file: x.js`)).toEqual({ kind: 'run', fixture: 'throws', argument: 'a; "b"', file: 'x.js' });
  });

  it('takes a bare run, a check with its fixture, and an output', () => {
    expect(parseMarker('run', '')).toEqual({ kind: 'run', argument: '' });
    expect(parseMarker('check', ': demo-log-line')).toEqual({ kind: 'check', fixture: 'demo-log-line', argument: '' });
    expect(parseMarker('output', '')).toEqual({ kind: 'output' });
    expect(() => parseMarker('check', '')).toThrow(/needs a fixture/);
  });
});

describe('planPage', () => {
  const problems = (page: string) => planPage(page).flatMap((item) => ('problem' in item ? [item.problem] : []));

  it('refuses a script block that is not run, and an unlabelled fence', () => {
    expect(problems(`${fence}js\nx()\n${fence}\n\n${fence}\nplain\n${fence}\n`)).toEqual([
      expect.stringMatching(/a js block must be run/),
      expect.stringMatching(/the fence has no language/),
    ]);
  });

  it('refuses a bare run without an output block, and TypeScript blocks', () => {
    expect(problems(`<!-- run -->\n${fence}js\nx()\n${fence}\n`)).toEqual([expect.stringMatching(/needs the block it prints/)]);
    expect(problems(`<!-- run: logs [] -->\n${fence}ts\nx()\n${fence}\n`)).toEqual([expect.stringMatching(/TypeScript blocks are not run/)]);
  });

  it('attaches an output block to the run before it and saves blocks as .cjs, .mjs or the file named', () => {
    const page = [
      '<!-- run -->', `${fence}js`, "console.log('hi')", fence,
      '<!-- output -->', `${fence}text`, 'hi', fence,
      '<!-- run: logs [] -->', `${fence}js`, "import 'x';", fence,
      '<!-- run: logs []; file: app.js -->', `${fence}js`, "import 'x';", fence,
      '<!-- check: demo-log-line -->', `${fence}json`, '{}', fence,
      `${fence}json`, '{}', fence,
    ].join('\n');
    expect(planPage(page).map((item) => ('problem' in item ? item.problem : [item.fixture, item.file, item.output]))).toEqual([
      [undefined, 'block-L2.cjs', 'hi\n'],
      ['logs', 'block-L10.mjs', undefined],
      ['logs', 'app.js', undefined],
      ['demo-log-line', undefined, undefined],
    ]);
  });
});
