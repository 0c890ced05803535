// The code blocks of a Markdown page and the markers that say how each is run
// (test/docs/README.md describes the markers). Pure text work: nothing is run here.

/** Fence languages that are JavaScript or TypeScript: every such block must be run. */
export const SCRIPT_LANGUAGES = ['js', 'javascript', 'cjs', 'mjs', 'ts', 'typescript'];

/** Fence languages that are not run: shell commands, markup, data, program output. */
export const INERT_LANGUAGES = ['sh', 'bash', 'shell', 'console', 'html', 'json', 'text'];

/** How a block is run, from the `<!-- run: ... -->` comment on the line before its fence. */
export interface RunMarker {
  kind: 'run';
  /** The fixture that sets up and checks the block; undefined when the block's printed output is the check. */
  fixture?: string;
  /** What the marker says after the fixture's name, for the fixture (unquoted when it was a JSON string). */
  argument: string;
  /** The file name the block is saved as in the page's run directory, so other blocks can load it. */
  file?: string;
}

/** A non-script block checked by a fixture: `<!-- check: FIXTURE [ARGUMENT] -->`. */
export interface CheckMarker {
  kind: 'check';
  fixture: string;
  argument: string;
}

/** The block is the output the run block before it prints: `<!-- output -->`. */
export interface OutputMarker {
  kind: 'output';
}

export type Marker = RunMarker | CheckMarker | OutputMarker;

/** One fenced code block. */
export interface CodeBlock {
  /** The 1-based line of the opening fence. */
  line: number;
  /** The fence's language, lower-cased; `''` when it has none. */
  language: string;
  /** The block's text, with the fence's indentation removed, ending with a newline. */
  code: string;
  /** The marker on the line before the fence, if any. */
  marker?: Marker;
  /** Set when the marker comment could not be read; says what is wrong. */
  markerError?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^`]*$/;
const MARKER = /^\s*<!--\s*(run|check|output)\b(.*?)-->\s*$/;

/** Every fenced code block of `markdown`, in order, with its marker. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !isClosingFence(lines[end] as string, fence)) {
      const text = lines[end] as string;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      end++;
    }
    const block: CodeBlock = { line: i + 1, language: language.toLowerCase(), code: body.length ? `${body.join('\n')}\n` : '' };
    const previous = i > 0 ? MARKER.exec(lines[i - 1] as string) : null;
    if (previous) {
      try {
        block.marker = parseMarker(previous[1] as 'run' | 'check' | 'output', (previous[2] as string).trim());
      } catch (error) {
        block.markerError = (error as Error).message;
      }
    }
    blocks.push(block);
    i = end;
  }
  return blocks;
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^[`~]+$/.test(trimmed) && trimmed[0] === fence[0];
}

/**
 * Reads what follows `run`, `check` or `output` in a marker: `: FIXTURE [ARGUMENT]`
 * then `; file: NAME` (run only). An argument starting with `"` is a JSON string.
 */
export function parseMarker(kind: 'run' | 'check' | 'output', rest: string): Marker {
  if (kind === 'output') {
    if (rest !== '') throw new Error(`<!-- output --> takes nothing, got '${rest}'`);
    return { kind };
  }
  if (rest === '') {
    if (kind === 'check') throw new Error('<!-- check: FIXTURE --> needs a fixture');
    return { kind, argument: '' };
  }
  if (!rest.startsWith(':')) throw new Error(`expected ':' after '${kind}', got '${rest}'`);
  const text = rest.slice(1).trim();
  const name = /^[\w-]+/.exec(text)?.[0];
  if (!name) throw new Error(`expected a fixture name after '${kind}:', got '${text}'`);
  let remaining = text.slice(name.length).trim();
  let argument = '';
  if (remaining.startsWith('"')) {
    const literal = jsonStringPrefix(remaining);
    argument = JSON.parse(literal) as string;
    remaining = remaining.slice(literal.length).trim();
  } else {
    const semicolon = remaining.indexOf(';');
    argument = (semicolon < 0 ? remaining : remaining.slice(0, semicolon)).trim();
    remaining = semicolon < 0 ? '' : remaining.slice(semicolon);
  }
  if (kind === 'check') {
    if (remaining !== '') throw new Error(`unexpected '${remaining}' in a check marker`);
    return { kind, fixture: name, argument };
  }
  const marker: RunMarker = { kind, fixture: name, argument };
  for (const option of remaining.split(';').map((part) => part.trim()).filter(Boolean)) {
    const file = /^file:\s*([\w.-]+\.(?:js|cjs|mjs|ts))$/.exec(option);
    if (!file) throw new Error(`unknown marker option '${option}'; the one option is 'file: NAME.js'`);
    marker.file = file[1];
  }
  return marker;
}

/** The JSON string literal at the start of `text` (escapes included). */
function jsonStringPrefix(text: string): string {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return text.slice(0, i + 1);
  }
  throw new Error(`unterminated JSON string in marker: ${text}`);
}
