#!/usr/bin/env node
// An OpenAI-compatible stand-in for llama-server: started like a real upstream, reports its own
// state on stdout/stderr (LISTENING, READY, CHILD, ABORTED, SIGTERM ...) so tests wait on facts.
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = 'usage: openai-fake-server --port N [--host H] [--model NAME] [--ready-after-ms N] ' +
  '[--fail-health] [--ignore-sigterm] [--exit-after-ms N [--exit-code N]] [--spawn-child] ' +
  '[--chunks N] [--chunk-delay-ms N] [--stderr-lines N] [--timings] [--metrics]';

const INT_FLAGS = { 'ready-after-ms': 0, 'exit-after-ms': -1, 'exit-code': 1, chunks: 5, 'chunk-delay-ms': 0, 'stderr-lines': 0 };

// Throws a TypeError whose message is meant for stderr; the CLI turns it into exit code 2.
export function parseFakeArgs(argv) {
  const options = { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' },
    model: { type: 'string', default: 'fake' }, 'fail-health': { type: 'boolean', default: false },
    'ignore-sigterm': { type: 'boolean', default: false }, 'spawn-child': { type: 'boolean', default: false },
    timings: { type: 'boolean', default: false }, metrics: { type: 'boolean', default: false } };
  for (const name of Object.keys(INT_FLAGS)) options[name] = { type: 'string' };
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  if (values.port === undefined) throw new TypeError('--port is required (0 binds an ephemeral port)');
  const toInt = (name, raw, fallback) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) throw new TypeError(`--${name}: expected a non-negative integer, got "${raw}"`);
    return value;
  };
  const port = toInt('port', values.port, 0);
  if (port > 65535) throw new TypeError(`--port: expected 0..65535, got "${values.port}"`);
  const ints = {};
  for (const [name, fallback] of Object.entries(INT_FLAGS)) ints[name] = toInt(name, values[name], fallback);
  return {
    port, host: values.host, model: values.model,
    readyAfterMs: ints['ready-after-ms'], failHealth: values['fail-health'],
    ignoreSigterm: values['ignore-sigterm'], exitAfterMs: ints['exit-after-ms'] < 0 ? undefined : ints['exit-after-ms'],
    exitCode: ints['exit-code'], spawnChild: values['spawn-child'],
    chunks: ints.chunks, chunkDelayMs: ints['chunk-delay-ms'], stderrLines: ints['stderr-lines'],
    timings: values.timings, metrics: values.metrics,
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const countWords = (text) => text.split(/\s+/).filter(Boolean).length;
const pickCount = (value, fallback) => (Number.isSafeInteger(value) && value >= 0 ? value : fallback);

// OpenAI message content is a string or an array of parts; only text parts matter here.
function getText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('');
  return '';
}

function getPromptText(kind, body) {
  if (kind === 'chat') {
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const lastUser = messages.filter((m) => m?.role === 'user').at(-1);
    return { all: messages.map((m) => getText(m?.content)).join(' '), last: getText(lastUser?.content) };
  }
  const prompt = Array.isArray(body.prompt) ? body.prompt.map(String).join(' ') : getText(body.prompt);
  return { all: prompt, last: prompt };
}

function makeUsage(promptTokens, completionTokens) {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

// llama-server's own figures (--timings, or "fake_timings": true): 1 ms per prompt token, 20 ms
// per generated one; "fake_cached": N prompt tokens came from the cache.
function makeTimings(promptTokens, completionTokens, cached) {
  const promptN = Math.max(0, promptTokens - cached);
  return {
    cache_n: cached, prompt_n: promptN, prompt_ms: promptN, prompt_per_token_ms: 1, prompt_per_second: 1000,
    predicted_n: completionTokens, predicted_ms: 20 * completionTokens, predicted_per_token_ms: 20, predicted_per_second: 50,
  };
}

function llamaFields(options, body, promptTokens, completionTokens) {
  if (!options.timings && body.fake_timings !== true) return {};
  const cached = Math.min(pickCount(body.fake_cached, 0), promptTokens);
  return { timings: makeTimings(promptTokens, completionTokens, cached) };
}

// llama-server --metrics: its counters, in its names (without --metrics it answers 501).
function formatMetrics(totals) {
  const family = (name, type, help, value) => `# HELP llamacpp:${name} ${help}\n# TYPE llamacpp:${name} ${type}\nllamacpp:${name} ${value}\n`;
  return family('prompt_tokens_total', 'counter', 'Number of prompt tokens processed.', totals.promptTokens) +
    family('tokens_predicted_total', 'counter', 'Number of generation tokens processed.', totals.predictedTokens) +
    family('requests_processing', 'gauge', 'Number of requests processing.', totals.processing);
}

function makeChoice(kind, text, finishReason, first) {
  if (kind === 'chat') {
    const delta = text === undefined ? {} : first ? { role: 'assistant', content: text } : { content: text };
    return { index: 0, delta, logprobs: null, finish_reason: finishReason };
  }
  return { index: 0, text: text ?? '', logprobs: null, finish_reason: finishReason };
}

// Deterministic unit-ish vector from an FNV-1a hash, so equal inputs embed equally.
function embed(text, dimensions) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const vector = new Array(dimensions);
  for (let i = 0; i < dimensions; i++) {
    hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
    vector[i] = Math.round(((hash / 0xffffffff) * 2 - 1) * 1e4) / 1e4;
  }
  return vector;
}

// Node merges or drops repeated headers in req.headers; rawHeaders keeps what was actually sent.
function getReceivedHeaders(rawHeaders) {
  const headers = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const seen = headers[name];
    headers[name] = seen === undefined ? rawHeaders[i + 1] : [].concat(seen, rawHeaders[i + 1]);
  }
  return headers;
}

export function createFakeServer(options) {
  const startedAt = Date.now();
  const stats = { requests: 0, inFlight: 0, byPath: {} };
  const totals = { promptTokens: 0, predictedTokens: 0 };
  const state = { readyAt: Number.POSITIVE_INFINITY };
  const commonHeaders = { 'x-fake-model': options.model, 'x-fake-pid': String(process.pid) };
  let nextId = 0;

  const sendJson = (res, status, value) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { ...commonHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const sendError = (res, status, message, type = 'invalid_request_error') =>
    sendJson(res, status, { error: { message, type, code: status } });

  async function streamCompletion(req, res, kind, body, prompt) {
    const chunks = pickCount(body.fake_chunks, options.chunks);
    const delayMs = pickCount(body.fake_chunk_delay_ms, options.chunkDelayMs);
    const includeUsage = body.stream_options?.include_usage === true;
    const base = { id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-fake-${nextId++}`, object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', created: nowSeconds(), model: options.model };
    const usageField = includeUsage ? { usage: null } : {};
    res.writeHead(200, { ...commonHeaders, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const write = async (payload) => {
      if (!res.write(`data: ${payload}\n\n`)) {
        await new Promise((resolve) => {
          const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
          res.on('drain', done).on('close', done);
        });
      }
    };
    for (let i = 0; i <= chunks; i++) {
      if (i > 0 && delayMs > 0) await sleep(delayMs);
      if (res.destroyed) return;
      const last = i === chunks;
      await write(JSON.stringify({ ...base, choices: [makeChoice(kind, last ? undefined : `tok${i} `, last ? 'stop' : null, i === 0)], ...usageField }));
    }
    if (res.destroyed) return;
    const promptTokens = countWords(prompt.all);
    totals.promptTokens += promptTokens;
    totals.predictedTokens += chunks;
    const llama = llamaFields(options, body, promptTokens, chunks);
    if (includeUsage) await write(JSON.stringify({ ...base, choices: [], usage: makeUsage(promptTokens, chunks), ...llama }));
    else if (llama.timings !== undefined) await write(JSON.stringify({ ...base, choices: [], ...llama }));
    res.end('data: [DONE]\n\n');
  }

  async function complete(req, res, kind, raw) {
    let body;
    try { body = JSON.parse(raw.toString('utf8')); } catch { return sendError(res, 400, 'request body is not valid JSON'); }
    if (body === null || typeof body !== 'object') return sendError(res, 400, 'request body must be a JSON object');
    const delayMs = pickCount(body.fake_delay_ms, 0);
    if (delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return;
    if (Number.isInteger(body.fake_status) && body.fake_status >= 400 && body.fake_status <= 599) {
      return sendError(res, body.fake_status, `fake upstream error ${body.fake_status} requested by fake_status`, 'fake_upstream_error');
    }
    const prompt = getPromptText(kind, body);
    if (body.stream === true) return streamCompletion(req, res, kind, body, prompt);
    const content = `${options.model} says: ${prompt.last}`;
    const usage = makeUsage(countWords(prompt.all), countWords(content));
    totals.promptTokens += usage.prompt_tokens;
    totals.predictedTokens += usage.completion_tokens;
    const choice = kind === 'chat'
      ? { index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }
      : { index: 0, text: content, logprobs: null, finish_reason: 'stop' };
    sendJson(res, 200, { id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-fake-${nextId++}`, object: kind === 'chat' ? 'chat.completion' : 'text_completion', created: nowSeconds(), model: options.model, choices: [choice], usage, ...llamaFields(options, body, usage.prompt_tokens, usage.completion_tokens) });
  }

  function embeddings(res, raw) {
    let body;
    try { body = JSON.parse(raw.toString('utf8')); } catch { return sendError(res, 400, 'request body is not valid JSON'); }
    const inputs = Array.isArray(body?.input) ? body.input : [body?.input];
    if (inputs.length === 0 || inputs.some((x) => x === undefined || x === null)) return sendError(res, 400, 'input: expected a string or an array');
    const dimensions = pickCount(body.dimensions, 8) || 8;
    const texts = inputs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    const data = texts.map((text, index) => {
      const vector = embed(text, Math.min(dimensions, 4096));
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const promptTokens = texts.reduce((sum, text) => sum + countWords(text), 0);
    sendJson(res, 200, { object: 'list', data, model: options.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
  }

  function transcribe(req, res, raw) {
    // A light look into the multipart body: enough to prove the bytes and the file arrived.
    const text = raw.toString('latin1');
    const filename = /filename="([^"]*)"/.exec(text)?.[1] ?? null;
    const formModel = /name="model"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)/.exec(text)?.[1] ?? null;
    sendJson(res, 200, { text: `${options.model} heard ${filename ?? 'audio'}`, bytes: raw.length, filename, form_model: formModel, model: options.model });
  }

  function route(req, res, path, raw) {
    const method = req.method;
    if (path === '/health' && method === 'GET') {
      if (options.failHealth) return sendJson(res, 503, { status: 'error' });
      return Date.now() >= state.readyAt ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'loading' });
    }
    if (path === '/v1/models' && method === 'GET') {
      return sendJson(res, 200, { object: 'list', data: [{ id: options.model, object: 'model', created: Math.floor(startedAt / 1000), owned_by: 'swapgate-fake' }] });
    }
    if (path === '/v1/chat/completions' && method === 'POST') return complete(req, res, 'chat', raw);
    if (path === '/v1/completions' && method === 'POST') return complete(req, res, 'text', raw);
    if (path === '/v1/embeddings' && method === 'POST') return embeddings(res, raw);
    if (path === '/v1/audio/transcriptions' && method === 'POST') return transcribe(req, res, raw);
    if (path === '/echo' || path.startsWith('/echo/')) {
      return sendJson(res, 200, { method, path: req.url, headers: getReceivedHeaders(req.rawHeaders), body: raw.toString('utf8'), model: options.model });
    }
    if (path === '/metrics' && method === 'GET') {
      if (!options.metrics) return sendError(res, 501, 'This server does not support metrics endpoint. Start it with `--metrics`', 'not_supported_error');
      const text = formatMetrics({ ...totals, processing: stats.inFlight - 1 }); // not counting this request
      res.writeHead(200, { ...commonHeaders, 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
      return res.end(text);
    }
    if (path === '/fake/stats' && method === 'GET') {
      return sendJson(res, 200, { requests: stats.requests, inFlight: stats.inFlight, byPath: stats.byPath, pid: process.pid, model: options.model });
    }
    return sendError(res, 404, `no route for ${method} ${path}`, 'not_found_error');
  }

  const server = createServer((req, res) => {
    const path = req.url.split('?', 1)[0];
    // Stats probes do not count themselves, so "N requests sent" reads back as N.
    const counted = path !== '/fake/stats';
    if (counted) {
      stats.requests++;
      stats.inFlight++;
      stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    }
    res.on('close', () => {
      if (counted) stats.inFlight--;
      if (!res.writableFinished) process.stderr.write(`ABORTED ${req.url}\n`);
    });
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('error', () => res.destroy()); // a broken request socket: nothing left to answer
    req.on('end', () => {
      Promise.resolve()
        .then(() => route(req, res, path, Buffer.concat(parts)))
        .catch((error) => {
          if (!res.headersSent) sendError(res, 500, `fake upstream failed: ${error?.message ?? error}`, 'server_error');
          else res.destroy(error);
        });
    });
  });
  const markReady = () => { state.readyAt = Date.now(); };
  return { server, stats, markReady };
}

export async function runFakeServer(argv) {
  let options;
  try { options = parseFakeArgs(argv); } catch (error) {
    process.stderr.write(`openai-fake-server: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  for (let i = 1; i <= options.stderrLines; i++) {
    process.stderr.write(`fake log line ${i}/${options.stderrLines}: loading tensor blk.${i}.ffn_down.weight\n`);
  }
  if (options.spawnChild) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: false, stdio: 'ignore' });
    child.unref();
    process.stdout.write(`CHILD ${child.pid}\n`);
  }
  const { server, markReady } = createFakeServer(options);
  process.on('SIGTERM', () => {
    if (options.ignoreSigterm) return void process.stderr.write('SIGTERM ignored\n');
    process.stderr.write('SIGTERM received\n');
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  server.on('error', (error) => {
    process.stderr.write(`openai-fake-server: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(options.port, options.host, () => {
    const { port } = server.address();
    process.stdout.write(`LISTENING ${port}\n`);
    if (options.exitAfterMs !== undefined) setTimeout(() => process.exit(options.exitCode), options.exitAfterMs);
    const announceReady = () => {
      markReady();
      if (!options.failHealth) process.stdout.write(`READY ${port}\n`);
    };
    if (options.readyAfterMs > 0) setTimeout(announceReady, options.readyAfterMs);
    else announceReady();
  });
  return server;
}

function isMainModule() {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false; // argv[1] is not a file (e.g. node -e): we were imported, not run
  }
}

if (isMainModule()) runFakeServer(process.argv.slice(2));
