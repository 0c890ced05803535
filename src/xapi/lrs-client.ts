/** The statements resource of a learning record store, over HTTP: one POST of a batch, and what its answer means. */

/** What {@link LrsClient} needs. */
export interface LrsClientSettings {
  /** The LRS's xAPI base URL (`https://lrs.example.com/xAPI`); statements go to `{url}/statements`. */
  url: string;
  /** Basic auth, with `password`. */
  username?: string;
  password?: string;
  /** Bearer auth. */
  token?: string;
  /** The longest time, in ms, one request may take. */
  timeout: number;
}

/** What the LRS made of a POST. */
export type PostOutcome =
  /** 200 or 204: stored; `storedIds` are the statements it stored now (the others it held already), when it said. */
  | { kind: 'stored'; storedIds?: string[] }
  /** 409: it holds a statement with one of these ids (with other content, or it does not tell). */
  | { kind: 'conflict'; detail: string }
  /** 400 or 413: it refuses the request as it is (a statement it finds invalid, a body too large). */
  | { kind: 'rejected'; status: number; detail: string };

/** A failed request to retry: a network error, a timeout, a 5xx, a 429, another 4xx. */
export class LrsRequestError extends Error {
  override name = 'LrsRequestError';

  constructor(
    message: string,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** How long the LRS asked to wait before the next request (`Retry-After`), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The xAPI version every request declares. */
export const XAPI_VERSION = '1.0.3';

/**
 * Posts batches of statements to an LRS (`POST {url}/statements`, a JSON array, with
 * the `X-Experience-API-Version` header and Basic or Bearer auth) and tells what the
 * answer means; throws {@link LrsRequestError} for what is worth retrying.
 */
export class LrsClient {
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly settings: LrsClientSettings) {
    this.endpoint = `${settings.url.replace(/\/+$/, '')}/statements`;
    this.headers = { 'Content-Type': 'application/json', 'X-Experience-API-Version': XAPI_VERSION };
    if (settings.token !== undefined) this.headers.Authorization = `Bearer ${settings.token}`;
    else if (settings.username !== undefined) {
      this.headers.Authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
    }
  }

  /** Posts statements given as JSON texts (sent as they are, in one array). */
  async post(bodies: readonly string[]): Promise<PostOutcome> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: this.headers,
        body: `[${bodies.join(',')}]`,
        signal: AbortSignal.timeout(this.settings.timeout),
      });
    } catch (error) {
      const cause = error as Error & { cause?: { code?: string; message?: string } };
      const why = cause.name === 'TimeoutError' ? `no answer within ${this.settings.timeout} ms` : (cause.cause?.code ?? cause.cause?.message ?? cause.message);
      throw new LrsRequestError(`POST ${this.endpoint}: ${why}`);
    }
    const text = await response.text().catch(() => '');
    const { status } = response;
    if (status === 204) return { kind: 'stored', storedIds: [] };
    if (status >= 200 && status < 300) return { kind: 'stored', storedIds: idsIn(text) };
    const detail = detailOf(text);
    if (status === 409) return { kind: 'conflict', detail };
    if (status === 400 || status === 413) return { kind: 'rejected', status, detail };
    const hint = status === 401 || status === 403 ? ' (check username/password or token)' : status === 404 ? ' (check url: statements go to {url}/statements)' : '';
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    throw new LrsRequestError(`POST ${this.endpoint}: ${status} ${response.statusText}${hint}${detail ? `: ${detail}` : ''}`, status, retryAfterMs);
  }
}

/** The statement ids of a 200 answer (a JSON array of strings), or undefined when it is something else. */
function idsIn(text: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((id) => typeof id === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The reason an LRS gives (Ralph's `{"detail": ...}`, or the text itself), cut to one short line. */
function detailOf(text: string): string {
  let detail = text;
  try {
    const parsed = JSON.parse(text) as { detail?: unknown; message?: unknown };
    detail = typeof parsed.detail === 'string' ? parsed.detail : typeof parsed.message === 'string' ? parsed.message : text;
  } catch {
    // Not JSON: the text itself.
  }
  detail = detail.replace(/\s+/g, ' ').trim();
  return detail.length > 300 ? `${detail.slice(0, 297)}...` : detail;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
