/** The generated Event Reference: Markdown and one static HTML page for the declared events. */
export { renderEventReferenceHtml } from './html';
export { renderEventReferenceMarkdown } from './markdown';
export type { EventReferenceOptions } from './model';
export { fieldRows, type FieldRow } from './fields';
