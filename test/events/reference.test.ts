import { defineEvent, fieldRows, registerEvents, renderEventReferenceHtml, renderEventReferenceMarkdown, Type } from '../../src/events';

const graded = defineEvent({
  name: 'edx.grades.problem.graded',
  description: 'A problem was graded. Emitted after every | submission.',
  owner: 'grading <team>',
  data: Type.Object({
    course_id: Type.String({ description: 'The course key.' }),
    score: Type.Object({ earned: Type.Number({ minimum: 0 }), possible: Type.Integer({ minimum: 1 }) }, { description: 'The score.' }),
    answers: Type.Optional(Type.Array(Type.Object({ id: Type.String(), correct: Type.Boolean() }))),
    state: Type.Union([Type.Literal('done'), Type.Literal('pending')]),
  }),
  example: { course_id: 'course-v1:edX+DemoX+1', score: { earned: 1, possible: 2 }, state: 'done' },
  emittedFrom: ['server', 'job'],
});
const clicked = defineEvent({
  name: 'edx.ui.lms.link_clicked',
  description: 'A learner clicked a link.',
  owner: 'ui',
  data: Type.Object({ target_url: Type.String() }),
  example: { target_url: 'https://example.com/' },
  emittedFrom: ['browser'],
});

describe('fieldRows', () => {
  it('lists nested and array fields with their types, required flags and descriptions', () => {
    expect(fieldRows(graded.data)).toEqual([
      { path: 'course_id', type: 'string', required: true, description: 'The course key.' },
      { path: 'score', type: 'object', required: true, description: 'The score.' },
      { path: 'score.earned', type: 'number ≥ 0', required: true, description: '' },
      { path: 'score.possible', type: 'integer ≥ 1', required: true, description: '' },
      { path: 'answers', type: 'array of object', required: false, description: '' },
      { path: 'answers[].id', type: 'string', required: true, description: '' },
      { path: 'answers[].correct', type: 'boolean', required: true, description: '' },
      { path: 'state', type: '"done" | "pending"', required: true, description: '' },
    ]);
  });
});

describe('the event reference', () => {
  const forward = registerEvents([graded, clicked], { validation: 'off' });
  const backward = registerEvents([clicked, graded], { validation: 'off' });

  it('does not depend on declaration order, and sorts events by name', () => {
    const markdown = renderEventReferenceMarkdown(forward);
    expect(renderEventReferenceMarkdown(backward)).toBe(markdown);
    expect(renderEventReferenceHtml(backward)).toBe(renderEventReferenceHtml(forward));
    expect(markdown.indexOf('## `edx.grades.problem.graded`')).toBeLessThan(markdown.indexOf('## `edx.ui.lms.link_clicked`'));
  });

  it('escapes table cells in Markdown and text in HTML', () => {
    expect(renderEventReferenceMarkdown(forward)).toContain('- [`edx.grades.problem.graded`](#edxgradesproblemgraded): A problem was graded.');
    expect(renderEventReferenceMarkdown(forward)).toContain('| `state` | "done" \\| "pending" | yes |  |');
    const html = renderEventReferenceHtml(forward);
    expect(html).toContain('<dd>grading &lt;team&gt;</dd>');
    expect(html).not.toContain('<team>');
  });

  it("shows the example as tracking.log holds it: a browser event's payload is JSON text, with the page", () => {
    const markdown = renderEventReferenceMarkdown(forward);
    expect(markdown).toContain('"event": "{\\"target_url\\": \\"https://example.com/\\"}"');
    expect(markdown).toContain('"event_source": "browser"');
    expect(markdown).toContain('"org_id": "edX"');
  });

  it('shows the xAPI statement where the function gives one, and passes it the example event', () => {
    const seen: unknown[] = [];
    const xapiStatement = (event: Record<string, unknown>) => {
      seen.push(event.event_type);
      return event.event_type === 'edx.grades.problem.graded' ? { verb: { id: 'http://adlnet.gov/expapi/verbs/scored' } } : undefined;
    };
    const markdown = renderEventReferenceMarkdown(forward, { xapiStatement });
    expect(seen).toEqual(['edx.grades.problem.graded', 'edx.ui.lms.link_clicked']);
    expect(markdown.match(/### xAPI statement/g)).toHaveLength(1);
    expect(renderEventReferenceHtml(forward, { xapiStatement })).toContain('<pre class="xapi"><code>{\n  &quot;verb&quot;');
    expect(renderEventReferenceMarkdown(forward)).not.toContain('xAPI');
  });
});
