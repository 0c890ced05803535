// readTrackingLog: streams the events of a tracking.log, tolerating what a crash
// leaves (a partial last line) and a writer restarted after one (a glued line).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OptionsError } from '../../src/core/options';
import { readTrackingLog, type SkippedLine } from '../../src/operations/reader';

function logFile(content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'et-reader-')), 'tracking.log');
  writeFileSync(file, content);
  return file;
}

async function readAll(file: string, options: Parameters<typeof readTrackingLog>[1] = {}) {
  const skipped: SkippedLine[] = [];
  const reader = readTrackingLog(file, { onSkip: (s) => skipped.push(s), ...options });
  const events: Record<string, unknown>[] = [];
  for await (const event of reader) events.push(event);
  return { events, stats: reader.stats, skipped };
}

const line = (n: number): string => `${JSON.stringify({ name: `e${n}`, event_type: `e${n}`, event: { n, text: 'é✓' } })}\n`;

describe('readTrackingLog', () => {
  it('yields every event of a well-formed file, in order', async () => {
    const { events, stats, skipped } = await readAll(logFile(line(1) + line(2) + line(3)));
    expect(events.map((e) => e.event_type)).toEqual(['e1', 'e2', 'e3']);
    expect(events[0]).toEqual({ name: 'e1', event_type: 'e1', event: { n: 1, text: 'é✓' } });
    expect(stats).toEqual({ events: 3, lines: 3, partial: 0, invalid: 0 });
    expect(skipped).toEqual([]);
  });

  it('reads an empty file as no events', async () => {
    const { events, stats } = await readAll(logFile(''));
    expect(events).toEqual([]);
    expect(stats).toEqual({ events: 0, lines: 0, partial: 0, invalid: 0 });
  });

  it('skips a partial last line (a crash mid-write), counts it and reports it', async () => {
    const file = logFile(line(1) + line(2) + line(3).slice(0, 20));
    const { events, stats, skipped } = await readAll(file);
    expect(events.map((e) => e.event_type)).toEqual(['e1', 'e2']);
    expect(stats).toEqual({ events: 2, lines: 3, partial: 1, invalid: 0 });
    expect(skipped).toEqual([{ reason: 'partial', lineNumber: 3, bytes: 20, path: file }]);
  });

  it('yields a last line that only lacks its newline', async () => {
    const { events, stats } = await readAll(logFile(line(1) + line(2).trimEnd()));
    expect(events.map((e) => e.event_type)).toEqual(['e1', 'e2']);
    expect(stats.partial).toBe(0);
  });

  it('skips a partial line cut inside a multi-byte character', async () => {
    const whole = Buffer.from(line(1) + line(2));
    const cut = whole.subarray(0, whole.length - 6); // inside 'é✓'
    const { events, stats } = await readAll(logFile(cut));
    expect(events).toHaveLength(1);
    expect(stats.partial).toBe(1);
  });

  it('skips and counts complete lines that are not one JSON event: a glued partial line, garbage, an array, invalid UTF-8', async () => {
    const glued = line(2).slice(0, 15) + line(3);
    const file = logFile(Buffer.concat([Buffer.from(line(1) + glued + 'not json\n[1,2]\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(line(4))]));
    const { events, stats, skipped } = await readAll(file);
    expect(events.map((e) => e.event_type)).toEqual(['e1', 'e4']);
    expect(stats).toEqual({ events: 2, lines: 6, partial: 0, invalid: 4 });
    expect(skipped.map((s) => [s.reason, s.lineNumber])).toEqual([
      ['invalid', 2],
      ['invalid', 3],
      ['invalid', 4],
      ['invalid', 5],
    ]);
  });

  it('streams large files across chunk boundaries, and skips lines over maxLineLength without holding them', async () => {
    const long = `${JSON.stringify({ event_type: 'long', event: 'x'.repeat(200000) })}\n`;
    const body = Array.from({ length: 2000 }, (_, i) => line(i)).join('') + long + line(9999);
    const all = await readAll(logFile(body));
    expect(all.events).toHaveLength(2002);
    const bounded = await readAll(logFile(body), { maxLineLength: 100000 });
    expect(bounded.events).toHaveLength(2001);
    expect(bounded.stats).toEqual({ events: 2001, lines: 2002, partial: 0, invalid: 1 });
    expect(bounded.skipped.map((s) => s.reason)).toEqual(['too-long']);
  });

  it("reads lines with Tutor's logging prefix as events, beside plain ones; a prefix Aspects would not take is not an event", async () => {
    const json = (n: number) => line(n).trimEnd();
    const tutor = (n: number) => `2024-05-01 07:27:01,123 INFO 4242 [tracking] [user 42] [ip 11.22.33.44] logger.py:41 - ${json(n)}\n`;
    const file = logFile(
      line(1) +
        tutor(2) +
        `2024-05-01 07:27:01,123 INFO 4242 [django.request] [user 42] [ip 1.2.3.4] base.py:7 - ${json(3)}\n` +
        `2024-05-01 07:27:01,123 INFO 4242 [tracking] [user {42}] - ${json(4)}\n` +
        `2024-05-01 [tracking] -${json(5)}\n` +
        `  ${json(6)}\n` +
        tutor(7).trimEnd(),
    );
    const { events, stats, skipped } = await readAll(file);
    expect(events.map((e) => e.event_type)).toEqual(['e1', 'e2', 'e6', 'e7']);
    expect(events[1]).toEqual({ name: 'e2', event_type: 'e2', event: { n: 2, text: 'é✓' } });
    expect(stats).toEqual({ events: 4, lines: 7, partial: 0, invalid: 3 });
    expect(skipped.map((s) => s.lineNumber)).toEqual([3, 4, 5]);
  });

  it('reads a gzip file (a rotated tracking.log.2.gz) as it reads the plain one, whatever its name', async () => {
    const body = Array.from({ length: 5000 }, (_, i) => line(i)).join('') + 'not json\n' + line(5000).slice(0, 10);
    const gz = logFile(gzipSync(body));
    const { events, stats, skipped } = await readAll(gz);
    expect(events).toHaveLength(5000);
    expect(events[4999]).toEqual(JSON.parse(line(4999)));
    expect(stats).toEqual({ events: 5000, lines: 5002, partial: 1, invalid: 1 });
    expect(skipped.map((s) => [s.reason, s.lineNumber])).toEqual([
      ['invalid', 5001],
      ['partial', 5002],
    ]);
    await expect(readAll(logFile(gzipSync(body).subarray(0, 2000)))).rejects.toThrow(/unexpected end of file/);
  });

  it('reports skipped lines on stderr by default', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const file = logFile(line(1) + '{"cut');
      const reader = readTrackingLog(file);
      for await (const _ of reader) void _;
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]?.[0])).toMatch(/readTrackingLog skipped a line of .*tracking\.log: its last line is cut short/);
    } finally {
      spy.mockRestore();
    }
  });

  it('can stop early, and rejects when the file cannot be read', async () => {
    const reader = readTrackingLog(logFile(line(1) + line(2) + line(3)));
    for await (const event of reader) {
      expect(event.event_type).toBe('e1');
      break;
    }
    expect(reader.stats.events).toBe(1);
    await expect(readAll('/nonexistent/tracking.log')).rejects.toThrow(/ENOENT/);
  });

  it('refuses a misspelled option at the call, naming the right one', () => {
    expect(() => readTrackingLog('x', { onskip: () => undefined } as never)).toThrow(
      new OptionsError('readTrackingLog', "unknown option 'onskip'; did you mean 'onSkip'?"),
    );
    expect(() => readTrackingLog('x', { maxLineLenght: 100 } as never)).toThrow(
      "readTrackingLog: unknown option 'maxLineLenght'; did you mean 'maxLineLength'?",
    );
  });

  it('refuses an option of the wrong type at the call, naming the expected one', () => {
    expect(() => readTrackingLog('x', { maxLineLength: 0 })).toThrow(
      "readTrackingLog: option 'maxLineLength' must be an integer of 1 or more, got 0 (a number)",
    );
    expect(() => readTrackingLog('x', { onSkip: 'ignore' } as never)).toThrow(
      `readTrackingLog: option 'onSkip' must be a function, got "ignore" (a string)`,
    );
  });
});
