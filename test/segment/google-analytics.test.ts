import { GoogleAnalyticsProcessor } from '../../src/processors/google-analytics';

describe('GoogleAnalyticsProcessor', () => {
  const processor = new GoogleAnalyticsProcessor();

  it('labels the event with its course and marks it non-interactive, on a shallow copy', () => {
    const context = { course_id: 'course-v1:edX+DemoX+Demo_2014', user_id: 42 };
    const event = { name: 'problem_check', timestamp: new Date(0), data: { a: 1 }, context };
    const result = processor.process(event);
    expect(result).toEqual({ ...event, label: 'course-v1:edX+DemoX+Demo_2014', nonInteraction: 1 });
    expect(result).not.toBe(event);
    expect(result.context).toBe(context);
    expect(event).not.toHaveProperty('label');
    expect(event).not.toHaveProperty('nonInteraction');
  });

  it.each([
    ['no course_id', { user_id: 42 }],
    ['a null course_id', { course_id: null }],
    ['an undefined course_id', { course_id: undefined }],
  ])('adds no label for %s, nonInteraction all the same', (_case, context) => {
    const result = processor.process({ name: 'x', context });
    expect(result).not.toHaveProperty('label');
    expect(result.nonInteraction).toBe(1);
  });

  it("keeps an empty course_id as the label (Python tests 'is not None')", () => {
    expect(processor.process({ name: 'x', context: { course_id: '' } }).label).toBe('');
  });

  it('copes with an event without a context', () => {
    expect(processor.process({ name: 'x' })).toEqual({ name: 'x', nonInteraction: 1 });
  });
});
