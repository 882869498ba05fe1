// node:http client helpers: one JSON request with its timing, an SSE stream with the arrival
// time of every `data:` event, and a /health poll.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export function createAgent(maxSockets = Infinity) {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: 1024 });
}

export function chatBody(model, extra = {}) {
  return { model, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 8, ...extra };
}

// Resolves with { status, headers, text, ms }; network errors reject (the caller counts them).
export function requestJson(url, { method = 'POST', body, agent, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const startedAt = performance.now();
    const req = http.request(url, {
      method, agent,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length },
    }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('error', reject);
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString('utf8'), ms: performance.now() - startedAt,
      }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// POSTs a streaming request and timestamps each SSE `data:` event as its bytes arrive.
export function streamSse(url, body, { agent, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify({ ...body, stream: true }));
    const startedAt = performance.now();
    const arrivals = [];
    let pending = '';
    let done = false;
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, accept: 'text/event-stream' },
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text) => {
        const now = performance.now() - startedAt;
        pending += text;
        let end;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          for (const line of event.split('\n')) {
            if (!line.startsWith('data:')) continue;
            if (line.slice(5).trim() === '[DONE]') done = true;
            else arrivals.push(now);
          }
        }
      });
      res.on('error', reject);
      res.on('end', () => {
        const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
        resolve({ status: res.statusCode, headers: res.headers, arrivals, gaps, done, ttfcMs: arrivals[0] ?? Number.NaN, totalMs: performance.now() - startedAt });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`stream from ${url} stalled for ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// Polls GET url every intervalMs until it answers 200; resolves with the ms it took.
export async function waitForHealth(url, { intervalMs = 5, timeoutMs = 60_000, isAlive = () => true } = {}) {
  const startedAt = performance.now();
  for (;;) {
    try {
      const res = await requestJson(url, { method: 'GET', agent: false, timeoutMs: 5_000 });
      if (res.status === 200) return performance.now() - startedAt;
    } catch { /* not listening yet: poll again */ }
    if (!isAlive()) throw new Error(`${url}: the process exited before it became healthy`);
    if (performance.now() - startedAt > timeoutMs) throw new Error(`${url} not healthy within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
