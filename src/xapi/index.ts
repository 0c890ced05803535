/**
 * eventtracking/xapi: Open edX's learning records as xAPI statements, delivered to a
 * learning record store.
 * @packageDocumentation
 */
export { transformToXapi, XapiTransformError } from './transform';
export type { XapiStatement, XapiTransformOptions } from './transform';
export { XapiBackend } from './xapi-backend';
export type { XapiBackendOptions } from './xapi-backend';
export { DeadLetterFile } from './dead-letters';
export type { DeadLetter } from './dead-letters';
export { startLocalLrs } from './local-lrs';
export type { LocalLrs, LocalLrsCounts, LocalLrsOptions, LrsFaults } from './local-lrs';
