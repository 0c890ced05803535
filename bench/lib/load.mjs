// The load generator: autocannon's programmatic API, 127.0.0.1 only.
import { createRequire } from 'node:module';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const { REQUEST_PATH, REQUEST_HEADERS } = require('../children/fixtures.cjs');

/** Sends exactly `amount` GET requests to the scenario route of the server on `port`. */
export async function load(port, { amount, connections }) {
  const t0 = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${REQUEST_PATH}`,
    method: 'GET',
    headers: REQUEST_HEADERS,
    amount,
    connections,
    pipelining: 1,
    timeout: 30,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const completed = result['2xx'] + result.non2xx;
  return {
    sent: result.requests.sent,
    completed,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: completed / seconds,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
  };
}
