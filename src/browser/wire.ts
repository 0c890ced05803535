// Open edX's wire format: the form jQuery would send for Logger.log.

/** One request to the `/event` endpoint, ready to send. */
export interface EventRequest {
  /** The event name, for error reports. */
  eventType: string;
  /** The URL, path prefix included. */
  url: string;
  /** POST sends the form as the body; GET in the query string. */
  method: 'GET' | 'POST';
  /** The form-encoded fields. */
  form: URLSearchParams;
  /** `fetch()` options other than method and body. */
  init: RequestInit;
}

/** The form fields of an event, named and ordered as Open edX's `Logger.log` sends them. */
export interface EventFields {
  /** The event name. */
  event_type: string;
  /** The data as JSON text; `''` when there is none (`JSON.stringify(undefined)`). */
  event: string;
  /** The course run key; `''` when the page has none. */
  courserun_key: string;
  /** The page URL (`location.href`). */
  page: string;
}

/**
 * Encodes event data as Open edX does (`JSON.stringify(data)`); `undefined` and
 * functions give `''`, as jQuery sends them. Throws what `JSON.stringify` throws
 * (circular data, BigInt).
 */
export function encodeEventData(data: unknown): string {
  return JSON.stringify(data) ?? '';
}

/** A form of `fields` then `extra`, jQuery style: null and undefined become `''`, the rest `String()`. */
export function toForm(fields: EventFields, extra?: Record<string, unknown>): URLSearchParams {
  const all: Record<string, unknown> = { ...fields, ...extra };
  const form = new URLSearchParams();
  for (const name of Object.keys(all)) {
    const value = all[name];
    form.append(name, value === undefined || value === null ? '' : String(value));
  }
  return form;
}

/** The URL of a GET request: the form in the query string. */
export function urlWithQuery(url: string, form: URLSearchParams): string {
  const query = form.toString();
  if (!query) return url;
  return url + (url.includes('?') ? '&' : '?') + query;
}
