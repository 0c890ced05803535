import { Listeners, type ListenerCallback } from './listeners';
import { batchSettings, loggerOptions, type LogRequestOptions, type LoggerOptions } from './options';
import { isPageHidden, metaPathPrefix, pageCourseId, pageUrl } from './page';
import { watchPageLife } from './page-life';
import { SendQueue } from './queue';
import { sendWithBeacon, sendWithFetch } from './transport';
import { encodeEventData, toForm, type EventFields, type EventRequest } from './wire';

/** The largest body sent with `keepalive` by default, leaving room in the browsers' 64 KiB keepalive quota. */
const KEEPALIVE_MAX_BODY = 48 * 1024;

/** `Logger.configure()`'s check: the options of {@link createLogger}, named after the call. */
const configureOptions = loggerOptions.extend('Logger.configure', {});

/** Open edX's browser `Logger`, plus `flush` and `configure`. Its methods work detached (`const log = Logger.log`). */
export interface EventLogger {
  /**
   * Emits an event: calls the listeners of `eventType` and `element` (a falsy element
   * is `null`), then sends `event_type`, `event` (`JSON.stringify(data)`),
   * `courserun_key` and `page` (`location.href`) form-encoded to the endpoint. Never
   * throws and never rejects: resolves with the server's Response whatever its status;
   * with `Response.error()` (status 0) on a network failure, or when the event cannot
   * be built (data `JSON.stringify` rejects, a `courseId` function that throws: not
   * sent, reported with `console.error`); with a stand-in 202
   * Response when the event went with `navigator.sendBeacon` (the page was hidden).
   * With batching, the promise settles when the queued event is sent and answered.
   */
  log(eventType: string, data?: unknown, element?: unknown, requestOptions?: LogRequestOptions): Promise<Response>;
  /**
   * Calls `callback(eventType, data, element)` on each later `log()` of `eventType`
   * with exactly this `element` (the same value; `null` matches only calls without
   * an element). A callback that throws is reported with `console.error` and never
   * breaks the page or the send. Returns a function that removes the listener.
   */
  listen(eventType: string, element: unknown, callback: ListenerCallback): () => void;
  /**
   * Sends `page_close` (event `''`) once per page life when the page goes away or
   * out of sight (`pagehide`, or `visibilitychange` to hidden, which includes
   * switching tabs), with `navigator.sendBeacon`. A page the back/forward cache
   * restores starts a new life. Calling it again changes nothing.
   */
  bind(): void;
  /** Sends the events the batching queue holds now; resolves with their Responses. */
  flush(): Promise<Response[]>;
  /**
   * Changes options, merged over the current ones (one given as `undefined` goes back to
   * its default); turning batching off sends the queue. An unknown option or a value of
   * the wrong type throws an `OptionsError` and changes nothing.
   */
  configure(options: LoggerOptions): void;
}

/**
 * A Logger with its own options, listeners and queue. The exported `Logger` is one made
 * with no options. An unknown option or a value of the wrong type throws an `OptionsError`.
 */
export function createLogger(initialOptions: LoggerOptions = {}): EventLogger {
  let options = loggerOptions.check(initialOptions);
  const listeners = new Listeners();
  const report = (error: unknown, eventType: string): void => {
    try {
      options.onError?.(error, eventType);
    } catch {
      // a failing error handler must not break the page either
    }
  };
  const send = (request: EventRequest, beacon: boolean): Promise<Response> =>
    beacon ? sendWithBeacon(request, report) : sendWithFetch(request, report);
  const queue = new SendQueue(send);
  let watching = false;
  let bound = false;
  let closeSent = false;

  const courseId = (): string => {
    if (options.courseId === undefined) return pageCourseId();
    const given = typeof options.courseId === 'function' ? options.courseId() : options.courseId;
    return given === undefined || given === null ? '' : String(given);
  };

  const request = (fields: EventFields, requestOptions: LogRequestOptions = {}): EventRequest => {
    const prefix = options.pathPrefix ?? metaPathPrefix();
    const method = String(requestOptions.type ?? requestOptions.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
    const base = options.fetchOptions ?? {};
    const headers = new Headers(base.headers);
    for (const [name, value] of Object.entries(requestOptions.headers ?? {})) headers.set(name, value);
    const form = toForm(fields, requestOptions.data);
    // keepalive lets a request outlive the page, but browsers refuse keepalive bodies past 64 KiB.
    const keepalive = form.toString().length <= KEEPALIVE_MAX_BODY;
    return {
      eventType: fields.event_type,
      url: prefix + (requestOptions.url ?? options.endpoint ?? '/event'),
      method,
      form,
      init: { credentials: 'same-origin', keepalive, ...base, headers },
    };
  };

  const leave = (): void => {
    if (queue.length > 0) void queue.flush(true);
    if (!bound || closeSent) return;
    closeSent = true;
    void send(request({ event_type: 'page_close', event: '', courserun_key: courseId(), page: pageUrl() }), true);
  };

  const watch = (): void => {
    if (watching) return;
    watching = true;
    watchPageLife(leave, () => {
      closeSent = false;
    });
  };

  const log = (eventType: string, data?: unknown, element?: unknown, requestOptions?: LogRequestOptions): Promise<Response> => {
    const name = eventType === undefined || eventType === null ? '' : String(eventType);
    listeners.notify(name, data, element);
    try {
      const event = encodeEventData(data);
      const outgoing = request({ event_type: name, event, courserun_key: courseId(), page: pageUrl() }, requestOptions);
      if (isPageHidden()) return send(outgoing, true);
      const batch = batchSettings(options.batch);
      if (!batch) return send(outgoing, false);
      watch();
      return queue.push(outgoing, batch);
    } catch (error) {
      // Data JSON cannot encode, a courseId function or header that throws: a bug of the
      // caller, reported like a listener's, never thrown into the page.
      console.error({ eventType: name, data, element: element || null, error });
      report(error, name);
      return Promise.resolve(Response.error());
    }
  };

  return {
    log,
    listen: (eventType, element, callback) => listeners.add(String(eventType), element, callback),
    bind: () => {
      bound = true;
      watch();
    },
    flush: () => queue.flush(false),
    configure: (next) => {
      configureOptions.check(next);
      options = { ...options, ...next };
      if (!batchSettings(options.batch) && queue.length > 0) void queue.flush(false);
    },
  };
}
