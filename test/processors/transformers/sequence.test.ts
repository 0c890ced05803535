import type { TrackedEvent } from '../../../src';
import type { EventTransformerClass } from '../../../src/processors/transformers/base';
import {
  NextSelectedEventTransformer,
  PreviousSelectedEventTransformer,
  SequenceTabSelectedEventTransformer,
} from '../../../src/processors/transformers/sequence';

function transform(Transformer: EventTransformerClass, event: TrackedEvent): TrackedEvent {
  const transformer = new Transformer(event);
  transformer.transform();
  return transformer.event;
}

describe('sequence transformers', () => {
  it('tab_selected is always seq_goto, with old and new appended to the payload', () => {
    const result = transform(SequenceTabSelectedEventTransformer, {
      name: 'edx.ui.lms.sequence.tab_selected',
      event: { current_tab: 4, target_tab: 1, tab_count: 4 },
      event_type: 'edx.ui.lms.sequence.tab_selected',
    });
    expect(result.event_type).toBe('seq_goto');
    expect(Object.entries(result.event as object)).toEqual([['current_tab', 4], ['target_tab', 1], ['tab_count', 4], ['old', 4], ['new', 1]]);
  });

  it.each([
    ['next', 1, 4, 'seq_next', 2],
    ['next', 3, 4, 'seq_next', 4],
    ['next', 4, 4, null, null],
    ['previous', 4, 4, 'seq_prev', 3],
    ['previous', 2, 4, 'seq_prev', 1],
    ['previous', 1, 4, null, null],
  ] as const)('%s from tab %d of %d → %s (new %p)', (action, current, count, eventType, next) => {
    const Transformer = action === 'next' ? NextSelectedEventTransformer : PreviousSelectedEventTransformer;
    const event = { name: 'n', event: { current_tab: current, tab_count: count }, event_type: 'n' };
    const result = transform(Transformer, event);
    if (eventType === null) {
      expect(result).toEqual(event);
    } else {
      expect(result.event_type).toBe(eventType);
      expect(result.event).toEqual({ current_tab: current, tab_count: count, old: current, new: next });
    }
  });

  it('compares tabs as Python does: a tab given as a string is not the number', () => {
    const result = transform(NextSelectedEventTransformer, { name: 'n', event: { current_tab: 2, tab_count: '2' } });
    expect(result.event_type).toBe('seq_next');
  });

  it('fails on a missing field, as Python raises KeyError', () => {
    expect(() => transform(NextSelectedEventTransformer, { name: 'n', event: { current_tab: 2 } })).toThrow("has no field 'tab_count'");
    expect(() => transform(PreviousSelectedEventTransformer, { name: 'n', event: {} })).toThrow("has no field 'current_tab'");
    expect(() => transform(SequenceTabSelectedEventTransformer, { name: 'n', event: [] })).toThrow("has no field 'current_tab'");
    expect(() => transform(NextSelectedEventTransformer, { name: 'n', event: { current_tab: '1', tab_count: 3 } })).toThrow(
      'current_tab of \'n\' is not a number: "1"',
    );
  });
});
