import type { IncomingMessage } from 'node:http';
import { isPlainObject } from '../encoding/objects';
import { ClientError } from './client-error';

/** The parameters of one `/event` call, as the adapter read them from the query or the body. */
export interface UserTrackParams {
  event_type?: unknown;
  event?: unknown;
  page?: unknown;
  courserun_key?: unknown;
}

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

/** The media type of a Content-Type header, lowercased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * The `/event` parameters of a body a framework already parsed: a form (a repeated
 * field is an array, whose last value counts, as Django's `QueryDict.get`) or a JSON
 * object, taken as it is (an array is a value, not repeated fields).
 */
export function paramsFromParsedBody(contentType: string | undefined, body: unknown): UserTrackParams {
  if (!isPlainObject(body)) throw new ClientError(400, 'the body must be a form or a JSON object');
  const form = !isJson(mediaType(contentType));
  const params: UserTrackParams = {};
  for (const name of PARAM_NAMES) {
    if (!Object.prototype.hasOwnProperty.call(body, name)) continue;
    const value = body[name];
    params[name] = form && Array.isArray(value) ? value[value.length - 1] : value;
  }
  return params;
}

/**
 * The `/event` parameters of a raw body: form-encoded (`application/x-www-form-urlencoded`,
 * also accepted as `text/plain`, which `navigator.sendBeacon` may send), multipart
 * (text fields; files are ignored, as Django leaves them out of `request.POST`) or JSON.
 */
export async function paramsFromRawBody(contentType: string | undefined, body: Buffer): Promise<UserTrackParams> {
  const type = mediaType(contentType);
  if (isJson(type)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeUtf8(body));
    } catch (error) {
      if (error instanceof ClientError) throw error;
      throw new ClientError(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
    return paramsFromParsedBody(contentType, parsed);
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || (type === '' && body.length === 0)) {
    return paramsFromQuery(decodeUtf8(body));
  }
  if (type === 'multipart/form-data') return paramsFromMultipart(contentType ?? '', body);
  throw new ClientError(
    415,
    `content type '${type || 'none'}' is not accepted; send application/x-www-form-urlencoded, multipart/form-data or application/json`,
  );
}

async function paramsFromMultipart(contentType: string, body: Buffer): Promise<UserTrackParams> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new ClientError(400, `the multipart body does not parse: ${(error as Error).message}`);
  }
  const params: UserTrackParams = {};
  for (const name of PARAM_NAMES) {
    const values = form.getAll(name).filter((value): value is string => typeof value === 'string');
    if (values.length > 0) params[name] = values[values.length - 1];
  }
  return params;
}

/** The body as UTF-8 text; invalid UTF-8 is a 400. */
export function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ClientError(400, 'the body is not valid UTF-8');
  }
}

/** Reads a request body, refusing more than `maxBytes` (413). */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw bodyTooLarge(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function bodyTooLarge(maxBytes: number): ClientError {
  return new ClientError(413, `the body is larger than ${maxBytes} bytes`);
}
