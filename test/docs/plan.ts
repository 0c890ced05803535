// What to run for each code block of a page, or why a block cannot be accepted: a
// script block nobody runs, a fence without a language, a marker in the wrong place.
import { codeBlocks, INERT_LANGUAGES, SCRIPT_LANGUAGES, type CodeBlock } from './markdown';

/** One block to run (a script block) or to check (a non-script block with a check marker). */
export interface BlockRun {
  block: CodeBlock;
  /** The fixture, or undefined when the check is the printed output. */
  fixture?: string;
  argument: string;
  /** The file the block is saved as: given by the marker, else `block-L<line>.<ext>`; undefined for a check of a non-script block. */
  file?: string;
  /** What the block must print on stdout, from the `<!-- output -->` block after it. */
  output?: string;
  /** The text of the page's block before this one, if any (a check may compare the two). */
  previous?: string;
}

/** A block the page gets wrong, and why. */
export interface BlockProblem {
  block: CodeBlock;
  problem: string;
}

/** The runs and problems of a page's blocks, in page order. */
export function planPage(markdown: string): (BlockRun | BlockProblem)[] {
  const blocks = codeBlocks(markdown);
  const plan: (BlockRun | BlockProblem)[] = [];
  blocks.forEach((block, index) => {
    const next = blocks[index + 1];
    const previous = blocks[index - 1]?.code;
    const problem = (text: string) => plan.push({ block, problem: text });
    if (block.markerError) return problem(`its marker cannot be read: ${block.markerError}`);
    if (block.language === '') return problem('the fence has no language: label it (js, sh, json, text...)');
    const isScript = SCRIPT_LANGUAGES.includes(block.language);
    if (!isScript && !INERT_LANGUAGES.includes(block.language)) {
      return problem(`unknown fence language '${block.language}'; known: ${[...SCRIPT_LANGUAGES, ...INERT_LANGUAGES].join(', ')}`);
    }
    const marker = block.marker;
    if (!isScript) {
      if (marker?.kind === 'run') return problem(`a ${block.language} block cannot be run; use <!-- check: FIXTURE --> to check it`);
      if (marker?.kind === 'output' && blocks[index - 1]?.marker?.kind !== 'run') return problem('an <!-- output --> block must follow a block marked <!-- run -->');
      if (marker?.kind === 'check') plan.push({ block, fixture: marker.fixture, argument: marker.argument, previous });
      return undefined;
    }
    if (block.language === 'ts' || block.language === 'typescript') {
      return problem('TypeScript blocks are not run (nothing here type-checks them): write the example in JavaScript');
    }
    if (marker?.kind !== 'run') {
      return problem(`a ${block.language} block must be run: put <!-- run: FIXTURE --> (or <!-- run --> with an <!-- output --> block after it) on the line before its fence`);
    }
    const output = next?.marker?.kind === 'output' ? next.code : undefined;
    if (!marker.fixture && output === undefined) {
      return problem('<!-- run --> without a fixture needs the block it prints right after it, marked <!-- output -->');
    }
    const file = marker.file ?? `block-L${block.line}.${moduleExtension(block)}`;
    plan.push({ block, fixture: marker.fixture, argument: marker.argument, file, output, previous });
    return undefined;
  });
  return plan;
}

/** `mjs` for a block that uses `import`/`export` (or TypeScript compiled as such), else `cjs`. */
function moduleExtension(block: CodeBlock): string {
  if (block.language === 'mjs') return 'mjs';
  if (block.language === 'cjs') return 'cjs';
  return /^\s*(import|export)\s/m.test(block.code) ? 'mjs' : 'cjs';
}
