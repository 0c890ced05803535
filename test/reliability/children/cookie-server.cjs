// An Express app with trackMiddleware that accepts very large headers (maxHeaderSize
// 16 MiB, as an app behind a proxy that allows big cookies may set it), for the
// hostile-cookie reproduction: each request answers the `client_id` its request
// context got. Runs the built package. Replies { ready, port } on IPC.
const http = require('node:http');
const express = require('express');
const { MemoryBackend, Tracker } = require('eventtracking');
const { trackMiddleware } = require('eventtracking/express');

const tracker = new Tracker({ backends: { memory: new MemoryBackend() } });
const app = express();
app.use(trackMiddleware({ tracker, secretKey: 'cookie-secret', pageEvents: false }));
app.get('/client-id', (_req, res) => {
  res.json({ clientId: tracker.resolveContext().client_id });
});
const server = http.createServer({ maxHeaderSize: 16 * 1024 * 1024 }, app);
server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));
