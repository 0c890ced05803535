import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { setOwn } from '../encoding/objects';
import type { HonoContextLike } from './types';

/** A form's fields as a body parser gives them: each name, its text value or values (files left out, as Django's `request.POST`). */
async function formFields(form: FormData): Promise<Record<string, string | string[]>> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    const seen = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
    setOwn(fields, name, seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]);
  }
  return fields;
}

/**
 * The form fields Hono parsed for this request (`c.req.parseBody()` ran before), as a
 * body parser gives them; undefined when it parsed none.
 */
export async function parsedForm(c: HonoContextLike): Promise<Record<string, string | string[]> | undefined> {
  const form = c.req.bodyCache?.formData;
  return form ? formFields((await form) as FormData) : undefined;
}

/**
 * The body of a request to one of our endpoints: the Node request stream when nothing
 * has read it; else what Hono read — its text again as a stream (after `c.req.json()`
 * or `c.req.text()`), or its parsed form fields (after `c.req.parseBody()`) with a
 * stream that has ended.
 */
export async function endpointBody(c: HonoContextLike, incoming: IncomingMessage): Promise<{ stream: IncomingMessage; parsedBody: unknown }> {
  const cache = c.req.bodyCache ?? {};
  if (Object.keys(cache).length === 0 && !incoming.readableEnded) return { stream: incoming, parsedBody: undefined };
  if (cache.formData) {
    const ended = Readable.from([]);
    ended.resume();
    await new Promise((resolve) => ended.once('end', resolve));
    return { stream: withHeaders(ended, incoming), parsedBody: await parsedForm(c) };
  }
  const text = cache.text ? String(await cache.text) : cache.arrayBuffer ? Buffer.from((await cache.arrayBuffer) as ArrayBuffer) : '';
  return { stream: withHeaders(Readable.from([Buffer.from(text)]), incoming), parsedBody: undefined };
}

/** A stream standing for the request's body, with the request's headers (read for Content-Length). */
function withHeaders(stream: Readable, incoming: IncomingMessage): IncomingMessage {
  return Object.assign(stream, { headers: incoming.headers }) as unknown as IncomingMessage;
}
