import { defineOptions, option, type OptionsOf } from '../core/options';

const batchFields = {
  /** How long the first queued event waits for others, in milliseconds. Default: 1000. */
  delay: option.number({ min: 0 }),
  /** How many queued events send the queue at once, without waiting for `delay`. Default: 10. */
  size: option.number({ min: 1, integer: true }),
} as const;

/** When queued events are sent, if batching is on. */
export type BatchOptions = OptionsOf<typeof batchFields>;

/** The options of {@link createLogger}; `Logger.configure()` checks its own under that name. */
export const loggerOptions = defineOptions('createLogger', {
  /** The path events are sent to, after the path prefix. Default: `'/event'`. */
  endpoint: option.string(),
  /**
   * Put before `endpoint` (and before a per-call `url`) as Open edX's `$.ajaxWithPrefix`
   * does: plain concatenation. Default: the `content` of `<meta name="path_prefix">`,
   * read at each send; `''` without that tag.
   */
  pathPrefix: option.string(),
  /**
   * The course run key sent as `courserun_key`: a string, or a function read at each
   * `log()` (its null or undefined sends `''`); null sends `''`. Default: the page global
   * `$$course_id` read at each `log()`, as Open edX; `''` when the page has none.
   */
  courseId: option.nullable(option.anyOf(option.string(), option.function<() => string | null | undefined>())),
  /**
   * Queue events and send them later, still one request per event so the server needs no
   * change: `true` for the default {@link BatchOptions}, or the options. Events queued when
   * the page is hidden go with `navigator.sendBeacon`. Default: `false` (each event is sent at once).
   */
  batch: option.anyOf(option.boolean(), option.object(batchFields)),
  /**
   * Extra `fetch()` options for every request (headers such as a CSRF token, `credentials`,
   * `mode`), passed to `fetch()` as they are. Beacons carry no custom headers. Default:
   * `{ credentials: 'same-origin', keepalive: true }`, keepalive (the request outlives the
   * page) only for bodies up to 48 KiB, as browsers cap it.
   */
  fetchOptions: option.instance<RequestInit>('an object of fetch() options', (value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
  /**
   * Told of each event that could not be sent (network failure) or encoded (`JSON.stringify`
   * threw). Its own errors are ignored. Default: none; failures are silent, as in Open edX.
   */
  onError: option.function<(error: unknown, eventType: string) => void>(),
});

/**
 * Options of a {@link createLogger | Logger}; change the default one's with `Logger.configure()`.
 * An unknown option or a value of the wrong type throws an `OptionsError`.
 */
export type LoggerOptions = OptionsOf<typeof loggerOptions.fields>;

/** Open edX's `requestOptions`: what one `log()` call changes in its request. Read as given, not checked: `log()` never throws. */
export interface LogRequestOptions {
  /** Replaces the endpoint (the path prefix is still put before it). Default: the logger's `endpoint`. */
  url?: string;
  /** The HTTP method, jQuery's name for it: `'GET'` sends the fields in the query string. Default: `'POST'`. */
  type?: 'GET' | 'POST' | 'get' | 'post';
  /** Same as `type`; `type` wins when both are given. Default: `'POST'`. */
  method?: 'GET' | 'POST' | 'get' | 'post';
  /** Extra form fields, or replacements of the standard ones. Default: none. */
  data?: Record<string, string | number | boolean | null | undefined>;
  /** Extra request headers. Default: none. */
  headers?: Record<string, string>;
  /**
   * Accepted for compatibility with Open edX (`async: false`); a request is never
   * synchronous here. Default: `true`.
   */
  async?: boolean;
}

/** The batching settings in effect, or null when events are sent at once. */
export function batchSettings(batch: LoggerOptions['batch']): Required<BatchOptions> | null {
  if (!batch) return null;
  const given = batch === true ? {} : batch;
  return { delay: given.delay ?? 1000, size: given.size ?? 10 };
}
