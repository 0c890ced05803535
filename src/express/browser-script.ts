import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineOptions, option, type OptionsOf } from '../core/options';
import type { ExpressHandler } from './request';

const browserScriptOptions = defineOptions('browserScriptHandler', {
  /**
   * The script file to serve. Default: the package's `dist/browser/global.js`, found from
   * this file (`dist/cjs/express` in the package, `src/express` when run from source).
   */
  file: option.string({ nonEmpty: true }),
  /** `Cache-Control: public, max-age=...` in seconds; the ETag revalidates after it. Default: 3600. */
  maxAge: option.number({ min: 0 }),
});

/** Options of {@link browserScriptHandler}. */
export type BrowserScriptOptions = OptionsOf<typeof browserScriptOptions.fields>;

/**
 * Serves the browser Logger as a classic script (`dist/browser/global.js`, which defines
 * `window.Logger` and `window.log_event`) for pages without a bundler: read once, here;
 * answered with an ETag (304 on a match), `Cache-Control`, and gzip when the browser
 * accepts it. Throws now, naming `npm run build`, if the file is missing.
 *
 * @example app.get('/eventtracking.js', browserScriptHandler())
 * // then, in the page: <script src="/eventtracking.js"></script>
 */
export function browserScriptHandler(given: BrowserScriptOptions = {}): ExpressHandler {
  const options = browserScriptOptions.check(given);
  const file = options.file ?? defaultScriptFile();
  if (!existsSync(file)) {
    throw new Error(`browserScriptHandler: the browser script ${file} is missing; build it with \`npm run build\` (scripts/build-browser.mjs writes dist/browser/global.js)`);
  }
  const body = readFileSync(file);
  const gzipped = gzipSync(body, { level: 9 });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const cacheControl = `public, max-age=${Math.floor(options.maxAge ?? 3600)}`;
  return function browserScript(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', etag);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const useGzip = acceptsGzip(req.headers['accept-encoding']);
    const payload = useGzip ? gzipped : body;
    if (useGzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', payload.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : payload);
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
  const built = join(__dirname, '..', '..', 'browser', 'global.js'); // dist/cjs/express → dist/browser
  const fromSource = join(__dirname, '..', '..', 'dist', 'browser', 'global.js'); // src/express → dist/browser
  return existsSync(built) || !existsSync(fromSource) ? built : fromSource;
}
