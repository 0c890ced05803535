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
      const run = await runCli(['docs', demoEvents, '--out', out, '--title', 'Demo events', '--lms-url', 'http://127.0.0.1:3000']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(`eventtracking docs: 4 events → ${join(out, 'events.md')}, ${join(out, 'events.html')}\n`);
    }
    for (const file of ['events.md', 'events.html']) expect(readFileSync(join(first, file), 'utf8')).toBe(readFileSync(join(second, file), 'utf8'));
    // The committed reference is the command's output: regenerate it when the demo's events change.
    expect(readFileSync(join(first, 'events.md'), 'utf8')).toBe(readFileSync(join(__dirname, '..', '..', 'docs', 'demo-events.md'), 'utf8'));
  });

  it('adds, with --lms-url, the statement transformToXapi makes of each example that has one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-docs-'));
    expect(await runCli(['docs', demoEvents, '--out', dir, '--lms-url', 'https://lms.example.com'])).toMatchObject({ code: 0, stderr: '' });
    const markdown = readFileSync(join(dir, 'events.md'), 'utf8');
    const sections = markdown.split(/^## /m).slice(1);
    const statementOf = (name: string) => {
      const section = sections.find((text) => text.startsWith(`\`${name}\``)) ?? '';
      const json = /### xAPI statement[\s\S]*?```json\n([\s\S]*?)\n```/.exec(section)?.[1];
      return json === undefined ? undefined : (JSON.parse(json) as { verb: { id: string }; object: { id: string }; actor: { account: { homePage: string } } });
    };
    // edx.user.login has no statement in event-routing-backends: no section for it.
    expect(statementOf('edx.user.login')).toBeUndefined();
    expect(statementOf('edx.course.enrollment.activated')).toMatchObject({
      verb: { id: 'http://adlnet.gov/expapi/verbs/registered' },
      object: { id: 'https://lms.example.com/course/course-v1:edX+DemoX+Demo_2014' },
      actor: { account: { homePage: 'https://lms.example.com' } },
    });
    expect(statementOf('play_video')?.verb.id).toBe('https://w3id.org/xapi/video/verbs/played');
    expect(statementOf('pause_video')?.verb.id).toBe('https://w3id.org/xapi/video/verbs/paused');
    expect(await runCli(['docs', demoEvents, '--out', dir, '--lms-url', 'https://lms.example.com', '--xapi', 'x.cjs'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--lms-url and --xapi both say where statements come from: give one'),
    });
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
