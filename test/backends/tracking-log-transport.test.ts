import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { OptionsError, TrackingLogTransport } from '../../src';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'et-transport-')), 'tracking.log');

/** Logs `lines` at `level` through a logger whose only transport is `transport`, and waits for the disk. */
async function logThrough(transport: TrackingLogTransport, level: string, ...lines: string[]): Promise<void> {
  const logger = winston.createLogger({ format: winston.format.printf((info) => String(info.message)), transports: [transport] });
  for (const line of lines) logger.log(level, line);
  await new Promise((resolve) => setImmediate(resolve));
  await transport.flush();
}

describe('TrackingLogTransport options', () => {
  it('refuses a misspelled option, naming the right one', () => {
    const file = tempFile();
    expect(() => new TrackingLogTransport({ fileName: file } as never)).toThrow(
      new OptionsError('TrackingLogTransport', "unknown option 'fileName'; did you mean 'filename'?"),
    );
    expect(() => new TrackingLogTransport({ maxQueuedLine: 10 } as never)).toThrow(
      "TrackingLogTransport: unknown option 'maxQueuedLine'; did you mean 'maxQueuedLines'?",
    );
  });

  it("refuses winston's handleExceptions, which would write non-event lines into tracking.log", () => {
    expect(() => new TrackingLogTransport({ handleExceptions: true } as never)).toThrow(
      /^TrackingLogTransport: unknown option 'handleExceptions'; valid options: filename, maxQueuedLines, maxQueuedBytes, level, format, silent$/,
    );
  });

  it.each([
    [{ maxQueuedLines: 0 }, "option 'maxQueuedLines' must be an integer of 1 or more, got 0 (a number)"],
    [{ maxQueuedLines: '100' }, `option 'maxQueuedLines' must be an integer of 1 or more, got "100" (a string)`],
    [{ filename: 42 }, "option 'filename' must be a non-empty string, got 42 (a number)"],
    [{ silent: 'yes' }, `option 'silent' must be true or false, got "yes" (a string)`],
    [{ format: 'json' }, `option 'format' must be a winston format (an object with transform()), got "json" (a string)`],
  ])('refuses a value of the wrong type: %j', (options, detail) => {
    expect(() => new TrackingLogTransport(options as never)).toThrow(new OptionsError('TrackingLogTransport', detail));
  });

  it("passes winston's level, format and silent on to the transport", async () => {
    const warnings = tempFile();
    await logThrough(new TrackingLogTransport({ filename: warnings, level: 'warn' }), 'info', 'dropped by level');
    await logThrough(new TrackingLogTransport({ filename: warnings, level: 'warn' }), 'warn', 'kept');
    expect(readFileSync(warnings, 'utf8')).toBe('kept\n');

    const formatted = tempFile();
    const upper = winston.format((info) => ({ ...info, [Symbol.for('message')]: String(info.message).toUpperCase() }))();
    await logThrough(new TrackingLogTransport({ filename: formatted, format: upper }), 'info', 'shout');
    expect(readFileSync(formatted, 'utf8')).toBe('SHOUT\n');

    const silent = new TrackingLogTransport({ filename: tempFile(), silent: true });
    await logThrough(silent, 'info', 'unheard');
    expect(silent.received).toBe(0);
  });
});
