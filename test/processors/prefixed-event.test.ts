import { LegacyFieldMappingProcessor, MemoryBackend, Tracker, type TrackedEvent } from '../../src';
import { PrefixedEventProcessor } from '../../src/processors/prefixed-event';
import { EventTransformer } from '../../src/processors/transformers/base';
import { TransformerRegistry } from '../../src/processors/transformers/registry';

const FROZEN = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));

function legacyTracker(processor = new PrefixedEventProcessor()) {
  const backend = new MemoryBackend();
  const errors: Error[] = [];
  const tracker = new Tracker({
    backends: { mem: backend },
    processors: [new LegacyFieldMappingProcessor(), processor],
    clock: () => FROZEN,
    onError: (error) => errors.push(error),
  });
  return { tracker, backend, errors };
}

// EP track/tests/test_shim.py::PrefixedEventProcessorTestCase (E4), the processor applied directly.
describe('PrefixedEventProcessor (test_shim.py)', () => {
  it.each([
    { action: 'next', tabCount: 5, currentTab: 3, legacyEventType: 'seq_next' },
    { action: 'next', tabCount: 5, currentTab: 5, legacyEventType: null },
    { action: 'previous', tabCount: 5, currentTab: 3, legacyEventType: 'seq_prev' },
    { action: 'previous', tabCount: 5, currentTab: 1, legacyEventType: null },
  ])('test_sequence_linear_navigation: $action from tab $currentTab of $tabCount', ({ action, tabCount, currentTab, legacyEventType }) => {
    const event = {
      name: `edx.ui.lms.sequence.${action}_selected`,
      event: { current_tab: currentTab, tab_count: tabCount, id: 'ABCDEFG' },
    };
    const result = new PrefixedEventProcessor().process(event)!;
    const offset = action === 'next' ? 1 : -1;
    const payload = result.event as Record<string, unknown>;
    if (legacyEventType) {
      expect(result.event_type).toBe(legacyEventType);
      expect(payload.old).toBe(currentTab);
      expect(payload.new).toBe(currentTab + offset);
    } else {
      expect(result).not.toHaveProperty('event_type');
      expect(payload).not.toHaveProperty('old');
      expect(payload).not.toHaveProperty('new');
    }
  });

  it('test_sequence_tab_navigation', () => {
    const result = new PrefixedEventProcessor().process({
      name: 'edx.ui.lms.sequence.tab_selected',
      event: { current_tab: 2, target_tab: 5, tab_count: 9, id: 'block-v1:abc', widget_placement: 'top' },
    })!;
    expect(result.event_type).toBe('seq_goto');
    expect(result.event).toEqual({ current_tab: 2, target_tab: 5, tab_count: 9, id: 'block-v1:abc', widget_placement: 'top', old: 2, new: 5 });
  });
});

describe('PrefixedEventProcessor', () => {
  it('leaves an event no transformer handles unchanged (returns nothing)', () => {
    const processor = new PrefixedEventProcessor();
    for (const name of ['unregistered_event', 'edx', 'edx.ui.lms.sequence.next_selected.what', undefined, 42]) {
      const event: TrackedEvent = { name, event: { current_tab: 1 } };
      expect(processor.process(event)).toBeUndefined();
      expect(event).toEqual({ name, event: { current_tab: 1 } });
    }
  });

  it('works on a copy: the input event, its payload and its context are left as they were', () => {
    const event = {
      name: 'edx.video.played',
      context: { open_in_browser_url: 'https://x/a/b' },
      event: { current_time: 1, module_id: 'i4x://o/c/video/v' },
      event_type: 'edx.video.played',
      page: null,
    };
    const before = structuredClone(event);
    const result = new PrefixedEventProcessor().process(event)!;
    expect(event).toEqual(before);
    expect(result).toEqual({
      name: 'edx.video.played',
      context: {},
      event: { id: 'i4x-o-c-video-v', currentTime: 1 },
      event_type: 'play_video',
      page: 'https://x/a',
    });
    expect(Object.keys(result)).toEqual(['name', 'context', 'event', 'event_type', 'page']);
  });

  it('re-serializes a string payload as Python json.dumps writes it', () => {
    const result = new PrefixedEventProcessor().process({
      name: 'edx.ui.lms.sequence.tab_selected',
      event: '{"current_tab":2,"target_tab":5,"tab_count":9,"id":"caf\u00e9","t":0.5}',
    })!;
    expect(result.event).toBe('{"current_tab": 2, "target_tab": 5, "tab_count": 9, "id": "caf\\u00e9", "t": 0.5, "old": 2, "new": 5}');
  });

  it('throws when a transformer cannot run, and the router then reports it and keeps the event', () => {
    const processor = new PrefixedEventProcessor();
    expect(() => processor.process({ name: 'edx.ui.lms.sequence.tab_selected', event: { current_tab: 2 } })).toThrow(
      "KeyError: the payload of 'edx.ui.lms.sequence.tab_selected' has no field 'target_tab'",
    );
    expect(() => processor.process({ name: 'edx.ui.lms.sequence.tab_selected', event: 'not json' })).toThrow(SyntaxError);
    expect(() => processor.process({ name: 'edx.ui.lms.sequence.tab_selected', data: {} })).toThrow(
      "the event has no 'event' field; run LegacyFieldMappingProcessor first",
    );

    const { tracker, backend, errors } = legacyTracker();
    tracker.emit('edx.ui.lms.sequence.next_selected', { current_tab: 'three', tab_count: 5 });
    expect(errors.map((e) => e.message)).toEqual(['current_tab of \'edx.ui.lms.sequence.next_selected\' is not a number: "three"']);
    expect(backend.events[0]).toMatchObject({ event_type: 'edx.ui.lms.sequence.next_selected', event: { current_tab: 'three', tab_count: 5 } });
  });

  it('runs after the legacy shim in a tracker, on both string (browser) and object payloads', () => {
    const { tracker, backend, errors } = legacyTracker();
    tracker.context('edx.course.browser', { event_source: 'browser', page: 'https://lms/courseware' }, () => {
      tracker.emit('edx.ui.lms.sequence.previous_selected', { current_tab: 3, tab_count: 5, id: 'seq' });
    });
    tracker.emit('edx.ui.lms.sequence.previous_selected', { current_tab: 1, tab_count: 5, id: 'seq' });
    expect(errors).toEqual([]);
    const [browser, server] = backend.events;
    expect(browser).toMatchObject({
      name: 'edx.ui.lms.sequence.previous_selected',
      event: '{"current_tab": 3, "tab_count": 5, "id": "seq", "old": 3, "new": 2}',
      event_type: 'seq_prev',
      event_source: 'browser',
      page: 'https://lms/courseware',
    });
    // Crossing into the previous sequence: not a legacy event, so event_type stays the name.
    expect(server).toMatchObject({ event_type: 'edx.ui.lms.sequence.previous_selected', event: { current_tab: 1, tab_count: 5, id: 'seq' } });
  });

  it('uses the registry and the warning sink it is given', () => {
    class Upper extends EventTransformer {
      override processEvent(): void {
        this.warn(`saw ${String(this.name)}`);
        this.event.event_type = String(this.name).toUpperCase();
      }
    }
    const registry = new TransformerRegistry();
    registry.register('custom.', Upper);
    const warnings: string[] = [];
    const { tracker, backend } = legacyTracker(new PrefixedEventProcessor({ registry, onWarning: (m) => warnings.push(m) }));
    tracker.emit('custom.thing', { a: 1 });
    tracker.emit('edx.ui.lms.sequence.tab_selected', { current_tab: 1, target_tab: 2 });
    expect(backend.events.map((e) => e.event_type)).toEqual(['CUSTOM.THING', 'edx.ui.lms.sequence.tab_selected']);
    expect(warnings).toEqual(['saw custom.thing']);
  });
});
