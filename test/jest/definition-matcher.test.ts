import { AssertionError } from 'node:assert';
import { emit, unregisterTracker } from '../../src/core/registry';
import { LegacyFieldMappingProcessor } from '../../src/processors/legacy-field-mapping';
import { defineEvent, registerEvents, Type } from '../../src/events';
import '../../src/jest';
import { captureEvents, type EventCapture } from '../../src/testing';

const submitted = defineEvent({
  name: 'edx.problem.answer.submitted',
  description: 'A learner submitted an answer.',
  owner: 'assessments',
  data: Type.Object({ problem_id: Type.String(), attempt: Type.Integer({ minimum: 1 }) }),
  example: { problem_id: 'block-v1:a+b+c+type@problem+block@p1', attempt: 1 },
  emittedFrom: ['server'],
});
const events = registerEvents([submitted], { validation: 'off' });

/** The message `run` fails with, without jest's colours. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message.replace(/\u001b\[[\d;]*m/g, '');
  }
  throw new Error('expected the assertion to fail, it passed');
}

describe('toMatchEventDefinition (registered on import)', () => {
  it('passes for a tracker event and a tracking.log event that match', () => {
    expect({ name: 'edx.problem.answer.submitted', data: { problem_id: 'p', attempt: 2 } }).toMatchEventDefinition();
    expect({ event_type: 'edx.problem.answer.submitted', event: { problem_id: 'p', attempt: 2 } }).toMatchEventDefinition(events);
  });

  it('fails listing every problem with its path', () => {
    const message = failure(() => expect({ name: 'edx.problem.answer.submitted', data: { attempt: 0 } }).toMatchEventDefinition());
    expect(message).toContain("'edx.problem.answer.submitted' does not match its definition: /problem_id Expected required property; /attempt Expected integer to be greater or equal to 1");
  });

  it('fails for an undeclared event, and .not passes for it', () => {
    expect(failure(() => expect({ name: 'edx.nothing.declared', data: {} }).toMatchEventDefinition())).toContain("'edx.nothing.declared' does not match its definition: (payload) the event is not declared");
    expect({ name: 'edx.nothing.declared', data: {} }).not.toMatchEventDefinition();
  });
});

describe('captureEvents({ validateWith })', () => {
  let capture: EventCapture | undefined;
  afterEach(() => {
    unregisterTracker();
  });

  it('collects the problems of every event emitted, and restore() fails the test with them', () => {
    capture = captureEvents({ validateWith: events, processors: [new LegacyFieldMappingProcessor()] });
    emit('edx.problem.answer.submitted', { problem_id: 'p', attempt: 1 });
    emit('edx.problem.answer.submitted', { problem_id: 'p', attempt: '1' });
    emit('edx.undeclared.thing.happened', {});
    expect(capture.events).toHaveLength(3);
    expect(capture.events[0]).toMatchEventDefinition();
    expect(capture.definitionProblems).toEqual([{ event: 'edx.problem.answer.submitted', path: '/attempt', message: 'Expected integer' }]);
    let thrown: unknown;
    try {
      capture.restore();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AssertionError);
    expect((thrown as Error).message).toBe("Events emitted during the capture do not match their definitions:\n'edx.problem.answer.submitted' does not match its definition: /attempt Expected integer");
    expect(() => capture?.restore()).not.toThrow();
  });

  it('checks undeclared names when the registry is strict; reset() forgets the problems', () => {
    const strict = registerEvents([submitted], { strict: true, validation: 'off' });
    capture = captureEvents({ validateWith: strict });
    emit('edx.undeclared.thing.happened', {});
    expect(capture.definitionProblems).toEqual([{ event: 'edx.undeclared.thing.happened', path: '', message: 'the event is not declared (strict mode)' }]);
    capture.reset();
    expect(() => capture?.restore()).not.toThrow();
  });

  it('refuses a validateWith that is not a registry', () => {
    expect(() => captureEvents({ validateWith: {} as never })).toThrow("captureEvents: option 'validateWith' must be an EventRegistry (from registerEvents), got {} (an object)");
  });
});
