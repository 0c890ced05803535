import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, stopClis } from './support/run-cli';

// `eventtracking docs` on the built package, as a user runs it.
const demoEvents = join(__dirname, '..', '..', 'examples', 'express', 'events.js');

afterAll(stopClis);

describe('eventtracking docs', () => {
  it("writes the demo's reference, the same at every run and the same as docs/demo-events.md", async () => {
    const [first, second] = [mkdtempSync(join(tmpdir(), 'et-docs-')), mkdtempSync(join(tmpdir(), 'et-docs-'))];
    for (const out of [first, second]) {
      const run = await runCli(['docs', demoEvents, '--out', out, '--title', 'Demo events']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(`eventtracking docs: 4 events → ${join(out, 'events.md')}, ${join(out, 'events.html')}\n`);
    }
    for (const file of ['events.md', 'events.html']) expect(readFileSync(join(first, file), 'utf8')).toBe(readFileSync(join(second, file), 'utf8'));
    // The committed reference is the command's output: regenerate it when the demo's events change.
    expect(readFileSync(join(first, 'events.md'), 'utf8')).toBe(readFileSync(join(__dirname, '..', '..', 'docs', 'demo-events.md'), 'utf8'));
  });

  it('adds the xAPI statement an --xapi module gives, for the events it transforms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-docs-'));
    const xapi = join(dir, 'xapi.cjs');
    writeFileSync(xapi, `exports.xapiStatement = (event) => event.event_type === 'play_video' ? { verb: { id: 'https://w3id.org/xapi/video/verbs/played' }, object: { id: JSON.parse(event.event).id } } : undefined;\n`);
    expect((await runCli(['docs', demoEvents, '--out', dir, '--xapi', xapi])).code).toBe(0);
    const markdown = readFileSync(join(dir, 'events.md'), 'utf8');
    expect(markdown.match(/### xAPI statement/g)).toHaveLength(1);
    expect(markdown).toContain('"id": "https://w3id.org/xapi/video/verbs/played"');
    expect(markdown.indexOf('### xAPI statement')).toBeGreaterThan(markdown.indexOf('## `play_video`'));
  });

  it('refuses a missing module, an unknown option (with the nearest) and a module without a registry', async () => {
    expect(await runCli(['docs'])).toMatchObject({ code: 2, stderr: expect.stringContaining('eventtracking docs: MODULE is missing') });
    expect(await runCli(['docs', demoEvents, '--ot', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining("did you mean '--out'?") });
    const dir = mkdtempSync(join(tmpdir(), 'et-docs-'));
    writeFileSync(join(dir, 'none.cjs'), 'exports.nothing = 1;\n');
    expect(await runCli(['docs', join(dir, 'none.cjs'), '--out', dir])).toMatchObject({
      code: 2,
      stderr: `eventtracking docs: ${join(dir, 'none.cjs')} exports no EventRegistry; export the one to document as 'events' or as the default export\n`,
    });
    expect((await runCli(['help', 'docs'])).stdout).toContain('usage: eventtracking docs MODULE');
  });
});
