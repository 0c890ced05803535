// A stand-in for the Segment API on 127.0.0.1, as test/segment/sink.ts: the real
// @segment/analytics-node client posts its batches to it over HTTP. The blocks keep
// Segment's real host in their configuration; `sendSegmentTo` routes the client's
// requests for https://api.segment.io to the sink (the client calls the global fetch).
'use strict';
const { createServer } = require('node:http');

const SEGMENT_API = 'https://api.segment.io';

/** Starts a sink that answers 200 and keeps every batch; resolves with it. */
async function startSink() {
  const batches = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Every batch received: `{ batch, writeKey, sentAt }`. */
    batches,
    /** The messages of every batch, in order. */
    get messages() {
      return batches.flatMap((body) => body.batch);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Makes requests for Segment's API go to `sinkUrl` instead. */
function sendSegmentTo(sinkUrl) {
  const fetch = globalThis.fetch;
  globalThis.fetch = (url, init) => fetch(String(url).startsWith(SEGMENT_API) ? sinkUrl + String(url).slice(SEGMENT_API.length) : url, init);
}

/** `type event` of a Segment message, for comparing lists of them: `track edx.course.enrollment.activated`, `identify`. */
const describeMessage = (message) => (message.event ? `${message.type} ${message.event}` : message.type);

module.exports = { describeMessage, sendSegmentTo, startSink };
