import { LegacyFieldMappingProcessor, MemoryBackend, Tracker } from '../../../src';
import { PrefixedEventProcessor } from '../../../src/processors/prefixed-event';
import { EventTransformer } from '../../../src/processors/transformers/base';
import { registerTransformer, transformerRegistry } from '../../../src/processors/transformers/default-registry';
import { TransformerNotFoundError, TransformerRegistry } from '../../../src/processors/transformers/registry';
import {
  NextSelectedEventTransformer,
  PreviousSelectedEventTransformer,
  SequenceTabSelectedEventTransformer,
} from '../../../src/processors/transformers/sequence';
import { VideoEventTransformer } from '../../../src/processors/transformers/video';

class A extends EventTransformer {}
class B extends EventTransformer {}
class C extends EventTransformer {}

// EP track/tests/test_shim.py::EventTransformerRegistryTestCase (E4).
describe('the shared registry (test_shim.py)', () => {
  it.each([
    ['edx.ui.lms.sequence.next_selected', NextSelectedEventTransformer],
    ['edx.ui.lms.sequence.previous_selected', PreviousSelectedEventTransformer],
    ['edx.ui.lms.sequence.tab_selected', SequenceTabSelectedEventTransformer],
    ['edx.video.foo.bar', VideoEventTransformer],
  ] as const)('test_event_registry_dispatch: %s', (name, expected) => {
    expect(transformerRegistry.createTransformer({ name })).toBeInstanceOf(expected);
  });

  it.each(['edx.ui.lms.sequence.next_selected.what', 'edx', 'unregistered_event'])(
    'test_dispatch_to_nonexistent_events: %s',
    (name) => {
      expect(() => transformerRegistry.createTransformer({ name })).toThrow(TransformerNotFoundError);
      expect(() => transformerRegistry.get(name)).toThrow(`No transformer is registered for '${name}'`);
      expect(transformerRegistry.find(name)).toBeUndefined();
      expect(transformerRegistry.has(name)).toBe(false);
    },
  );

  it("holds Open edX's five transformers", () => {
    expect(transformerRegistry.keys()).toEqual([
      'edx.ui.lms.sequence.tab_selected',
      'edx.ui.lms.sequence.next_selected',
      'edx.ui.lms.sequence.previous_selected',
      'edx.bi.app.navigation.screen',
      'edx.video.',
    ]);
  });
});

describe('TransformerRegistry', () => {
  it('prefers an exact key, then the longest matching prefix', () => {
    const registry = new TransformerRegistry();
    registry.register('a.', A);
    registry.register('a.b.', B);
    registry.register('a.b.c', C);
    expect(registry.find('a.b.c')).toBe(C);
    expect(registry.find('a.b.cd')).toBe(B);
    expect(registry.find('a.b.')).toBe(B);
    expect(registry.find('a.x')).toBe(A);
    expect(registry.find('a')).toBeUndefined();
    expect(registry.find('ab.c')).toBeUndefined();
    // An exact key is no prefix: 'a.b.c.d' falls back to 'a.b.'.
    expect(registry.find('a.b.c.d')).toBe(B);
  });

  it('matches nothing for a name that is not a string', () => {
    const registry = new TransformerRegistry();
    registry.register('1', A);
    registry.register('n.', B);
    for (const name of [undefined, null, 1, ['n.x'], { toString: () => 'n.x' }]) expect(registry.find(name)).toBeUndefined();
    expect(() => registry.get(null)).toThrow('No transformer is registered for null');
  });

  it('replaces a transformer registered again for a key, and unregisters', () => {
    const registry = new TransformerRegistry();
    registry.register('x.', A);
    registry.register('x.', B);
    registry.register('x.y', A);
    expect(registry.find('x.z')).toBe(B);
    expect(registry.unregister('x.')).toBe(true);
    expect(registry.unregister('x.')).toBe(false);
    expect(registry.find('x.z')).toBeUndefined();
    expect(registry.unregister('x.y')).toBe(true);
    expect(registry.keys()).toEqual([]);
  });

  it('refuses an empty key or a transformer that is not a class, naming the fix', () => {
    const registry = new TransformerRegistry();
    expect(() => registry.register('', A)).toThrow('the match key must be an event name, or a prefix ending in "."');
    expect(() => registry.register('x', {} as never)).toThrow("registerTransformer('x'): the transformer must be a class extending EventTransformer");
  });

  it('gives the error the key it did not find', () => {
    const error = new TransformerNotFoundError('nope');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TransformerNotFoundError');
    expect(error.key).toBe('nope');
  });
});

describe('registerTransformer (user transformers in the shared registry)', () => {
  class CourseSwitched extends EventTransformer {
    override get isLegacyEvent(): boolean {
      return true;
    }
    override get legacyEventType(): string {
      return 'course_switch';
    }
    override processLegacyFields(): void {
      const payload = this.payloadObject();
      if (payload) payload.legacy = true;
    }
  }

  afterEach(() => {
    transformerRegistry.unregister('acme.course.switched');
    transformerRegistry.unregister('acme.');
    transformerRegistry.register('edx.video.', VideoEventTransformer);
  });

  it('takes effect in every PrefixedEventProcessor using the shared registry', () => {
    registerTransformer('acme.course.switched', CourseSwitched);
    const backend = new MemoryBackend();
    const tracker = new Tracker({ backends: { mem: backend }, processors: [new LegacyFieldMappingProcessor(), new PrefixedEventProcessor()] });
    tracker.emit('acme.course.switched', { to: 'x' });
    tracker.emit('acme.other', { to: 'y' });
    expect(backend.events.map((e) => [e.event_type, e.event])).toEqual([
      ['course_switch', { to: 'x', legacy: true }],
      ['acme.other', { to: 'y' }],
    ]);
  });

  it('can replace a built-in', () => {
    registerTransformer('edx.video.', A);
    expect(transformerRegistry.find('edx.video.played')).toBe(A);
    const result = new PrefixedEventProcessor().process({ name: 'edx.video.played', event: { current_time: 1 } });
    expect(result).toEqual({ name: 'edx.video.played', event: { current_time: 1 } });
  });
});
