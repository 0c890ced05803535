/**
 * `eventtracking/events`: the typed event registry. Declare each event an app emits
 * with {@link defineEvent} (payload schemas are built with TypeBox's `Type`, re-exported
 * here), gather them with {@link registerEvents}, and emit through the registry so that
 * TypeScript checks every payload and, in development, each event is validated.
 * @packageDocumentation
 */
export { Type, type Static, type TSchema } from '@sinclair/typebox';
export { defineEvent, type EventDeclaration, type EventDefinition, type EventSource } from './define';
export { nameConventionProblem } from './naming';
export type { DataProblem } from './problems';
export {
  currentEventRegistry,
  EventRegistry,
  registerEvents,
  type EventNameOf,
  type EventPayloadOf,
  type RegisterEventsOptions,
  type ValidationMode,
} from './registry';
export { describeProblems, EventDefinitionError, type EventProblem } from './report';
export { fieldRows, renderEventReferenceHtml, renderEventReferenceMarkdown, type EventReferenceOptions, type FieldRow } from './reference';
