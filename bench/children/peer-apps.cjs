'use strict';
// The peers of scenario 12: what a Node team would pick instead of eventtracking to log
// its requests, each an Express 5 app with the same route and stand-in for session and
// auth as every app of apps.cjs (`base()`), so the only difference from bare Express is
// the logging. Each writes to `files.log`; the server counts lines and bytes after a slice.
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { AsyncLocalStorage } = require('node:async_hooks');
const { REQUEST_FIELDS, REQUEST_HEADERS, REQUEST_PATH, SECRET_KEY } = require('./fixtures.cjs');

/**
 * The built package's internal field computation (not public API): the same 13 `edx.request`
 * fields as trackMiddleware, so the context peers store identical values and only the
 * storage and the writing differ.
 */
function requestFields(req) {
  const packageDir = path.dirname(require.resolve('eventtracking/package.json'));
  const { buildRequestContext } = require(path.join(packageDir, 'dist', 'cjs', 'request', 'request-context.js'));
  return buildRequestContext(
    { url: req.originalUrl, headers: req.headers, remoteAddress: req.socket.remoteAddress, protocol: req.protocol, user: req.user, sessionKey: req.sessionID },
    SECRET_KEY,
  );
}

const appendStream = (file) => fs.createWriteStream(file, { flags: 'a' });

/**
 * A cls-hooked namespace holding the 13 fields (`ns.bindEmitter(req/res)`, `ns.run`,
 * 13 `ns.set`), the handler reading them with 13 `ns.get`. With `stream`, the handler also
 * writes them as one JSON line there (scenario 12's peer); without, it only reads them
 * (scenario 3).
 */
function clsHookedApp(app, route, stream) {
  const cls = require('cls-hooked');
  const ns = cls.createNamespace(`bench-request-${stream ? 'stream' : 'read'}`);
  app.use((req, res, next) => {
    ns.bindEmitter(req);
    ns.bindEmitter(res);
    ns.run(() => {
      const fields = requestFields(req);
      for (const field of REQUEST_FIELDS) ns.set(field, fields[field]);
      next();
    });
  });
  const seen = { missing: 0 };
  app.get(route, (_req, res) => {
    const fields = stream ? {} : undefined;
    let found = 0;
    for (const field of REQUEST_FIELDS) {
      const value = ns.get(field);
      if (value !== undefined) found++;
      if (fields) fields[field] = value;
    }
    if (found !== REQUEST_FIELDS.length) seen.missing++;
    if (stream) stream.write(`${JSON.stringify({ time: new Date().toISOString(), msg: 'request', ...fields })}\n`);
    res.send('ok');
  });
  return seen;
}

/**
 * The two tracking.log lines our full pipeline writes for the benchmark's request, taken
 * once from the real thing: scenario 2's 'full' app, in this process, asked once.
 */
async function captureFullLines(buildVariant, file) {
  const built = buildVariant('full', { log: file });
  const server = http.createServer(built.app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.address().port, path: REQUEST_PATH, headers: REQUEST_HEADERS }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
  server.close();
  await built.tracker.close();
  const text = fs.readFileSync(file, 'utf8');
  fs.rmSync(file, { force: true });
  if (text.split('\n').length !== 3) throw new Error(`expected the full pipeline's 2 lines, got: ${text.slice(0, 200)}`);
  return text;
}

/** Builds a peer's app (`base()` gives the Express app with the stand-in auth), or returns undefined for an unknown name. */
function buildPeerVariant(name, files, { base, route, buildVariant }) {
  switch (name) {
    case 'pino-http': {
      const pino = require('pino');
      const app = base();
      app.use(require('pino-http')({ logger: pino(pino.destination({ dest: files.log, sync: false })) }));
      app.get(route, (_req, res) => res.send('ok'));
      return { app, logFile: files.log, linesPerRequest: 1 };
    }

    case 'morgan': {
      const app = base();
      app.use(require('morgan')('combined', { stream: appendStream(files.log) }));
      app.get(route, (_req, res) => res.send('ok'));
      return { app, logFile: files.log, linesPerRequest: 1 };
    }

    // A plain AsyncLocalStorage middleware (what express-http-context does) holding the
    // 13 fields; the handler logs them as one line through winston's File transport.
    case 'als-winston': {
      const winston = require('winston');
      const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.File({ filename: files.log })] });
      const storage = new AsyncLocalStorage();
      const app = base();
      app.use((req, _res, next) => storage.run(requestFields(req), next));
      app.get(route, (_req, res) => {
        const store = storage.getStore();
        const fields = {};
        for (const field of REQUEST_FIELDS) fields[field] = store[field];
        logger.info('request', fields);
        res.send('ok');
      });
      return { app, logFile: files.log, linesPerRequest: 1 };
    }

    case 'cls-hooked-stream': {
      const app = base();
      const seen = clsHookedApp(app, route, appendStream(files.log));
      return { app, logFile: files.log, linesPerRequest: 1, seen };
    }

    // The floor: AsyncLocalStorage.run per request plus writing our two tracking.log lines,
    // precomputed (no context, no event, no JSON): what any pipeline writing them must pay.
    case 'floor': {
      const storage = new AsyncLocalStorage();
      const stream = appendStream(files.log);
      const app = base();
      const lines = { text: '' };
      app.use((_req, _res, next) => storage.run({}, next));
      app.get(route, (_req, res) => {
        stream.write(lines.text);
        res.send('ok');
      });
      const ready = captureFullLines(buildVariant, `${files.log}.capture`).then((text) => { lines.text = text; });
      return { app, ready, logFile: files.log, linesPerRequest: 2 };
    }

    default:
      return undefined;
  }
}

module.exports = { buildPeerVariant, clsHookedApp };
