/**
 * eventtracking/browser: Open edX's client-side `Logger` without jQuery. Events go
 * to the `/event` endpoint in Open edX's wire format, so an Open edX server (or
 * `userTrackHandler` from `eventtracking/express`) accepts them unchanged.
 * @packageDocumentation
 */
import { createLogger, type EventLogger } from './logger';

export { createLogger } from './logger';
export type { EventLogger } from './logger';
export type { ListenerCallback } from './listeners';
export type { BatchOptions, LogRequestOptions, LoggerOptions } from './options';

/**
 * The page's Logger, as Open edX's global `Logger`: `Logger.log(eventType, data)`,
 * `Logger.listen(...)`, `Logger.bind()`. Change its options with `Logger.configure()`.
 */
export const Logger: EventLogger = createLogger();

/**
 * The same function as `Logger.log`, under Open edX's old global name.
 * @deprecated Use `Logger.log`.
 */
export const log_event: EventLogger['log'] = Logger.log;
