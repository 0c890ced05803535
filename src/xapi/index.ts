/**
 * `eventtracking/xapi`: Open edX events as the xAPI statements Open edX's
 * event-routing-backends writes for its analytics (Aspects), statement for statement.
 * @packageDocumentation
 */
export { transformToXapi, learnerOf, xapiTransformOptions, XAPI_EVENT_NAMES, XapiTransformError } from './transform';
export { fromTrackingLog } from './tracking-log';
export type { XapiTransformOptions, XapiTransformFailure } from './transform';
export type * from './statement';
export { XapiBackend } from './xapi-backend';
export type { XapiBackendOptions } from './xapi-backend';
export { DeadLetterFile } from './dead-letters';
export type { DeadLetter } from './dead-letters';
export { startLocalLrs } from './local-lrs';
export type { LocalLrs, LocalLrsCounts, LocalLrsOptions, LrsFaults } from './local-lrs';
