// A bounded autocannon run (a fixed number of requests). autocannon's own histogram keeps whole
// milliseconds, too coarse for sub-ms overheads, so latencies are collected from its 'response'
// events (float ms from process.hrtime). autocannon only notices the end of a run on its sample
// tick, so req/s is measured from the start to the last response, not to the promise.
import autocannon from 'autocannon';
import { percentile } from './stats.mjs';

/** `uniqueBodies`: every request's "[<id>]" in the body becomes a new number. */
export async function runLoad({ url, body, connections, amount, timeoutSec = 30, uniqueBodies = false }) {
  const latencies = [];
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  const instance = autocannon({
    url, method: 'POST', connections, amount, timeout: timeoutSec, sampleInt: 100,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // Not autocannon's idReplacement: its requests time out against node:http servers here.
    ...(uniqueBodies ? { requests: [{ setupRequest: numberBody(JSON.stringify(body)) }] } : {}),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    lastResponseAt = performance.now();
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const elapsedMs = lastResponseAt - startedAt;
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    reqPerSec: (latencies.length / elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ok: latencies.length,
    failed,
    statusCodes: result.statusCodeStats,
  };
}

// Numbered across every load run of the process, so a later round never resends an earlier
// round's "new" turns (which the daemon's text memo would then recognise).
let nextBodyNumber = 0;

function numberBody(template) {
  const [head, tail] = template.split('[<id>]');
  return (request) => ({ ...request, body: `${head}${nextBodyNumber++}${tail}` });
}

// Throws when a load run saw errors: a figure over failed requests would be meaningless.
export function assertClean(run, what) {
  if (run.failed > 0) {
    throw new Error(`${what}: ${run.failed} of ${run.ok + run.failed} requests failed (status codes ${JSON.stringify(run.statusCodes)})`);
  }
}
