// The line splitter under readTrackingLog and `eventtracking log`: the same lines
// whatever the chunks, long lines skipped without being held, invalid UTF-8 flagged.
import fc from 'fast-check';
import { LineSplitter, type LogLine } from '../../src/operations/lines';

/** The lines of `bytes` cut into chunks at `cuts`, as the splitter gives them. */
function split(bytes: Buffer, cuts: number[], maxLineLength = 1 << 20): LogLine[] {
  const splitter = new LineSplitter(maxLineLength);
  const lines: LogLine[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b).concat(bytes.length)) {
    // A copy per chunk, overwritten afterwards: the splitter must not keep a view of it.
    const chunk = Buffer.from(bytes.subarray(start, cut));
    lines.push(...splitter.push(chunk));
    chunk.fill(0x78);
    start = cut;
  }
  const last = splitter.end();
  if (last) lines.push(last);
  return lines;
}

/** What the lines are, by the obvious method. */
function expected(bytes: Buffer, maxLineLength = 1 << 20): LogLine[] {
  const parts: Buffer[] = [];
  for (let start = 0; start <= bytes.length; ) {
    const end = bytes.indexOf(0x0a, start);
    parts.push(bytes.subarray(start, end < 0 ? bytes.length : end));
    if (end < 0) break;
    start = end + 1;
  }
  const complete = parts.length - 1;
  if (parts[parts.length - 1]!.length === 0) parts.pop();
  return parts.map((part, i) => {
    const line = { number: i + 1, complete: i < complete };
    if (part.length > maxLineLength) return { ...line, text: '', problem: 'too-long', bytes: part.length };
    const text = part.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(part)) return { ...line, text: '', problem: 'not-utf8', bytes: part.length };
    return { ...line, text };
  });
}

const pieces = fc.constantFrom('{"a":1}', 'é', '✓', '😀', '\n', '\n', 'x', ' ', '\xff', '中文', '{"name":"edx.test"}');

describe('LineSplitter', () => {
  it('gives the same lines whatever the chunks: multi-byte characters and lines cut anywhere', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), fc.array(fc.nat(400)), (texts, cuts) => {
        // '\xff' as a lone byte: invalid UTF-8.
        const bytes = Buffer.concat(texts.map((t) => (t === '\xff' ? Buffer.from([0xff]) : Buffer.from(t, 'utf8'))));
        expect(split(bytes, cuts.map((c) => c % (bytes.length + 1)))).toEqual(expected(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes a large chunk a window at a time, with lines and characters across the windows', () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => `{"n":${i},"text":"${'é✓😀'.repeat(i % 40)}"}`).join('\n') + '\n', 'utf8');
    expect(bytes.length).toBeGreaterThan(4 * 64 * 1024);
    expect(split(bytes, [])).toEqual(expected(bytes));
    expect(split(bytes, [100003, 300001])).toEqual(expected(bytes));
  });

  it('skips lines longer than maxLineLength in bytes, inside a chunk or across chunks', () => {
    const text = ['short', 'é'.repeat(30), 'x'.repeat(61), 'y'.repeat(60), '中'.repeat(21), 'end'].join('\n') + '\n';
    const bytes = Buffer.from(text, 'utf8');
    for (const cuts of [[], [3], [10, 70, 100, 130], Array.from({ length: bytes.length }, (_, i) => i)]) {
      const lines = split(bytes, cuts, 60);
      expect(lines).toEqual(expected(bytes, 60));
      expect(lines.map((l) => l.problem ?? l.text.length)).toEqual([5, 30, 'too-long', 60, 'too-long', 3]);
      expect(lines[1]!.problem).toBeUndefined(); // 60 bytes: 30 two-byte characters
      expect(lines[4]!.bytes).toBe(63);
    }
  });
});
