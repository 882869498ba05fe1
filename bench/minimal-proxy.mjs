#!/usr/bin/env node
// The best a Node pass-through proxy can do: node:http in, node:http out over a keep-alive
// agent, bodies piped both ways, no parsing. The baseline swapgate's proxy overhead is judged by.
// Usage: node bench/minimal-proxy.mjs --target http://127.0.0.1:PORT [--port 0]
// Prints "LISTENING <port>" once it accepts connections.
import http from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnLogged, waitForLine } from './lib/processes.mjs';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function copyHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export function createMinimalProxy(target) {
  const base = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
  return http.createServer((req, res) => {
    const upstream = http.request({
      host: base.hostname, port: base.port, method: req.method, path: req.url, agent, headers: copyHeaders(req.headers),
    }, (upRes) => {
      res.writeHead(upRes.statusCode, copyHeaders(upRes.headers));
      upRes.pipe(res);
    });
    upstream.on('error', (error) => {
      if (res.headersSent) return void res.destroy(error);
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `minimal-proxy: ${error.message}`, type: 'proxy_error' } }));
    });
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    req.pipe(upstream);
  });
}

// Runs the proxy in its own process, as swapgate runs in its own, so neither shares the
// benchmark client's event loop.
export async function startMinimalProxy(target) {
  const child = spawnLogged(process.execPath, [fileURLToPath(import.meta.url), '--target', target, '--port', '0']);
  const [, port] = await waitForLine(child, /^LISTENING (\d+)$/, { what: 'LISTENING <port>' });
  return { child, port: Number(port), url: `http://127.0.0.1:${port}` };
}

function isMain() {
  try { return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)); } catch { return false; }
}

if (isMain()) {
  const { values } = parseArgs({ options: { target: { type: 'string' }, port: { type: 'string', default: '0' } } });
  if (values.target === undefined) {
    process.stderr.write('usage: node bench/minimal-proxy.mjs --target http://127.0.0.1:PORT [--port 0]\n');
    process.exit(2);
  }
  const server = createMinimalProxy(values.target);
  server.keepAliveTimeout = 60_000;
  process.on('SIGTERM', () => { server.close(() => process.exit(0)); server.closeAllConnections(); });
  server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
}
