import type { IncomingMessage } from 'node:http';
import { isPlainObject } from '../objects';
import type { UserTrackParams } from '../views/user-track';
import { ClientError } from './client-error';

const PARAM_NAMES = ['event_type', 'event', 'page', 'courserun_key'] as const;

/** The `/event` parameters of a query string; a repeated key gives its last value, as Django's `QueryDict.get`. */
export function paramsFromQuery(search: string): UserTrackParams {
  const query = new URLSearchParams(search);
  const params: UserTrackParams = {};
  for (const name of PARAM_NAMES) {
    const values = query.getAll(name);
    if (values.length > 0) params[name] = values[values.length - 1];
  }
  return params;
}

/**
 * The `/event` parameters of a body a framework already parsed: a form (values may
 * be arrays, of which the last counts) or a JSON object (taken as it is).
 */
export function paramsFromParsedBody(body: unknown): UserTrackParams {
  if (!isPlainObject(body)) throw new ClientError(400, 'the body must be a form or a JSON object');
  const params: UserTrackParams = {};
  for (const name of PARAM_NAMES) {
    if (!Object.prototype.hasOwnProperty.call(body, name)) continue;
    const value = body[name];
    params[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return params;
}

/**
 * The `/event` parameters of a raw body: form-encoded (`application/x-www-form-urlencoded`,
 * also accepted as `text/plain`, which `navigator.sendBeacon` may send) or JSON.
 */
export function paramsFromRawBody(contentType: string | undefined, body: string): UserTrackParams {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new ClientError(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
    return paramsFromParsedBody(parsed);
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || (type === '' && body === '')) {
    return paramsFromQuery(body);
  }
  throw new ClientError(415, `content type '${type || 'none'}' is not accepted; send application/x-www-form-urlencoded or application/json`);
}

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes` (413) and
 * invalid UTF-8 (400).
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw bodyTooLarge(maxBytes);
    chunks.push(chunk as Buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ClientError(400, 'the body is not valid UTF-8');
  }
}

function bodyTooLarge(maxBytes: number): ClientError {
  return new ClientError(413, `the body is larger than ${maxBytes} bytes`);
}
