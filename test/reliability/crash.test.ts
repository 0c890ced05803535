// 5. Crash consistency. A process emitting a burst through edxDefaults is killed with
// SIGKILL mid-burst, several times at different moments: every complete line of
// tracking.log parses, at most the last line is partial, and readTrackingLog yields
// every complete line and skips (and counts) the partial one. Then a writer
// restarted on such a file must not glue its first line onto the partial one.
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, edxDefaults } from '../../src';
import { readTrackingLog, type SkippedLine } from '../../src/operations/reader';
import { killChildren, startChild } from './support/child';
import { printFigures, recordFigures } from './support/figures';
import { delay, waitUntil } from './support/http';

afterAll(async () => {
  printFigures();
  await killChildren();
});

const KILLS = 6;

describe('SIGKILL mid-burst', () => {
  it(`leaves, in each of ${KILLS} runs, a tracking.log whose every complete line parses, with at most the last line partial`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-crash-'));
    const runs: Array<{ bytes: number; lines: number; partialBytes: number; readerEvents: number; readerPartial: number }> = [];
    for (let run = 0; run < KILLS; run++) {
      const file = join(dir, `tracking-${run}.log`);
      const child = startChild('burst.cjs', [file], { lifetimeMs: 30000 });
      await child.message((m: { started?: boolean }) => m.started === true);
      // Let it write for a while (a different while each run), then kill it without warning.
      const target = 1_000_000 * (1 + run);
      await waitUntil(() => statSync(file).size > target, `${file} passes ${target} bytes`, 20000);
      await delay(run * 7);
      child.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');

      const text = readFileSync(file, 'utf8');
      const parts = text.split('\n');
      const tail = parts.pop()!; // '' when the file ends with a newline
      const unparsable = parts.filter((line) => {
        try {
          const event = JSON.parse(line) as { event_type?: string };
          return event.event_type !== 'app.burst';
        } catch {
          return true;
        }
      });
      expect(unparsable).toEqual([]);
      // Sequence numbers are consecutive: no line lost or doubled in the middle.
      const seqs = parts.map((line) => (JSON.parse(line) as { event: { seq: number } }).event.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
      let tailParses = false;
      try {
        JSON.parse(tail);
        tailParses = true;
      } catch {
        tailParses = false;
      }
      if (tail !== '') expect(tailParses).toBe(false);

      const skipped: SkippedLine[] = [];
      const reader = readTrackingLog(file, { onSkip: (s) => skipped.push(s) });
      let events = 0;
      for await (const event of reader) {
        expect(event.event_type).toBe('app.burst');
        events++;
      }
      expect(events).toBe(parts.length);
      expect(reader.stats).toEqual({ events: parts.length, lines: parts.length + (tail === '' ? 0 : 1), partial: tail === '' ? 0 : 1, invalid: 0 });
      expect(skipped.map((s) => s.reason)).toEqual(tail === '' ? [] : ['partial']);
      runs.push({ bytes: Buffer.byteLength(text), lines: parts.length, partialBytes: Buffer.byteLength(tail), readerEvents: events, readerPartial: reader.stats.partial });
    }
    recordFigures('crash/SIGKILL mid-burst', {
      kills: KILLS,
      completeLines: runs.reduce((sum, r) => sum + r.lines, 0),
      unparsableCompleteLines: 0,
      runsEndingWithPartialLine: runs.filter((r) => r.partialBytes > 0).length,
      perRun: runs.map((r) => `${r.lines} lines, ${r.bytes} bytes, partial tail ${r.partialBytes} bytes`),
    });
  });
});

describe('a writer restarted on a crashed tracking.log', () => {
  // A crash mid-write leaves a partial last line. The restarted writer's sink sees that
  // the file it opens does not end with '\n' and writes one first, so the fragment
  // becomes a line of its own (which readTrackingLog skips as invalid) and the new
  // process's first event stays whole, rather than the two gluing into one line that
  // parses as neither, in the middle of the file.
  it('starts its first line on a line of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-restart-'));
    const file = join(dir, 'tracking.log');
    writeFileSync(file, '{"event_type":"before.1"}\n{"event_type":"before.2"}\n');
    appendFileSync(file, '{"event_type":"cut short by a cra'); // what SIGKILL mid-write leaves
    const tracker = createTracker(edxDefaults({ trackingLog: file }));
    tracker.emit('after.restart', { n: 1 });
    tracker.emit('after.restart', { n: 2 });
    await tracker.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const types = lines.map((line) => {
      try {
        return (JSON.parse(line) as { event_type: string }).event_type;
      } catch {
        return `unparsable: ${line.slice(0, 60)}`;
      }
    });
    expect(types).toEqual(['before.1', 'before.2', 'unparsable: {"event_type":"cut short by a cra', 'after.restart', 'after.restart']);
  });

  it('is still read: readTrackingLog skips the glued line and counts it invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-restart-read-'));
    const file = join(dir, 'tracking.log');
    writeFileSync(file, '{"event_type":"a"}\n{"event_type":"cut short{"event_type":"b"}\n{"event_type":"c"}\n{"event_type":"d');
    const skipped: SkippedLine[] = [];
    const reader = readTrackingLog(file, { onSkip: (s) => skipped.push(s) });
    const types: unknown[] = [];
    for await (const event of reader) types.push(event.event_type);
    expect(types).toEqual(['a', 'c']);
    expect(reader.stats).toEqual({ events: 2, lines: 4, partial: 1, invalid: 1 });
    expect(skipped.map(({ reason, lineNumber }) => [reason, lineNumber])).toEqual([
      ['invalid', 2],
      ['partial', 4],
    ]);
  });
});
