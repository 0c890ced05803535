import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineOptions, option, type OptionsOf } from '../core/options';

/** The options every adapter's `browserScriptHandler` takes. */
export const browserScriptOptions = defineOptions('browserScriptHandler', {
  /**
   * The script file to serve. Default: the package's `dist/browser/global.js`, found from
   * this file (`dist/cjs/views` in the package, `src/views` when run from source).
   */
  file: option.string({ nonEmpty: true }),
  /** `Cache-Control: public, max-age=...` in seconds; the ETag revalidates after it. Default: 3600. */
  maxAge: option.number({ min: 0 }),
});

/** Options of `browserScriptHandler`. */
export type BrowserScriptOptions = OptionsOf<typeof browserScriptOptions.fields>;

/** What the browser-script endpoint answers; the adapter writes it. `body` is undefined for HEAD and 304. */
export interface ScriptResponse {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/**
 * The browser-script endpoint for any framework: reads the script (`dist/browser/global.js`,
 * which defines `window.Logger` and `window.log_event`) once, now, and returns the
 * function answering a request to it — with an ETag (304 on a match), `Cache-Control`,
 * and gzip when the browser accepts it; undefined for methods other than GET and HEAD,
 * which the adapter passes on. Throws now, naming `npm run build`, if the file is
 * missing; unknown options throw an `OptionsError`.
 */
export function browserScriptResponder(given: BrowserScriptOptions = {}): (method: string | undefined, headers: IncomingHttpHeaders) => ScriptResponse | undefined {
  const options = browserScriptOptions.check(given);
  const file = options.file ?? defaultScriptFile();
  if (!existsSync(file)) {
    throw new Error(`browserScriptHandler: the browser script ${file} is missing; build it with \`npm run build\` (scripts/build-browser.mjs writes dist/browser/global.js)`);
  }
  const body = readFileSync(file);
  const gzipped = gzipSync(body, { level: 9 });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const common = {
    'Content-Type': 'application/javascript; charset=utf-8',
    'Cache-Control': `public, max-age=${Math.floor(options.maxAge ?? 3600)}`,
    ETag: etag,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  return (method, headers) => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const ifNoneMatch = headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return { status: 304, headers: common, body: undefined };
    }
    const useGzip = acceptsGzip(headers['accept-encoding']);
    const payload = useGzip ? gzipped : body;
    const sized = { ...common, 'Content-Length': String(payload.length) };
    return {
      status: 200,
      headers: useGzip ? { ...sized, 'Content-Encoding': 'gzip' } : sized,
      body: method === 'HEAD' ? undefined : payload,
    };
  };
}

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return coding === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function defaultScriptFile(): string {
  const built = join(__dirname, '..', '..', 'browser', 'global.js'); // dist/cjs/views → dist/browser
  const fromSource = join(__dirname, '..', '..', 'dist', 'browser', 'global.js'); // src/views → dist/browser
  return existsSync(built) || !existsSync(fromSource) ? built : fromSource;
}
