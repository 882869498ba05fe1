// A tiny upstream whose answer the test scripts: streamed content pieces (one SSE event each,
// as chat chunks, or as Anthropic / Responses events on /v1/messages and /v1/responses), or a
// JSON answer. With hold, a stream never ends by itself, so a test can see the proxy cut it;
// every request reports whether its response was aborted. A chat request asking for `logprobs`
// gets them, one token per piece (in each chunk, or all in the JSON answer's choice).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PeerConfig } from '../../src/config/types.js';
import { anthropicEvents, responsesEvents } from '../helpers/scripted-sse.js';
import { makeChatLogprobs } from '../helpers/token-logprobs.js';

/** Streams in the API's own event format on these routes. */
const EVENT_STREAMS: Readonly<Record<string, typeof anthropicEvents>> = { '/v1/messages': anthropicEvents, '/v1/responses': responsesEvents };

export interface Script {
  readonly pieces: readonly string[];
  /** Keep the stream open after the pieces (until the client side goes away). */
  readonly hold?: boolean;
  /** Send a usage chunk before [DONE]. */
  readonly usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface SeenRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** Settles once the response is over: true when it was cut before its end. */
  readonly closed: Promise<boolean>;
}

export interface ScriptedUpstream {
  readonly url: string;
  readonly seen: SeenRequest[];
  script: Script;
  peer(id: string, models: string[]): PeerConfig;
  close(): Promise<void>;
}

const chunk = (content: string | null, finish: string | null, logprobs = false): string => {
  const delta = content === null ? {} : { content };
  const choice = { index: 0, delta, ...(logprobs ? { logprobs: content ? makeChatLogprobs([content]) : null } : {}), finish_reason: finish };
  const event = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1, model: 'writer', choices: [choice] };
  return `data: ${JSON.stringify(event)}\n\n`;
};

export async function startScriptedUpstream(script: Script): Promise<ScriptedUpstream> {
  const seen: SeenRequest[] = [];
  const upstream: ScriptedUpstream = {
    url: '',
    seen,
    script,
    peer: (id, models) => ({ id, proxy: upstream.url, models, apiKey: null, filters: { stripParams: [], setParams: {}, setParamsByID: {} } }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<string, unknown>;
      const closed = new Promise<boolean>((resolve) => res.once('close', () => resolve(!res.writableFinished)));
      seen.push({ path: req.url ?? '', body, closed });
      const { pieces, hold, usage } = upstream.script;
      const logprobs = body.logprobs === true;
      if (body.stream !== true) {
        const answer = JSON.stringify({
          id: 'chatcmpl-scripted',
          object: 'chat.completion',
          created: 1,
          model: 'writer',
          choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, ...(logprobs ? { logprobs: makeChatLogprobs(pieces) } : {}), finish_reason: 'stop' }],
          ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
        res.end(answer);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const events = EVENT_STREAMS[req.url ?? ''];
      if (events) {
        for (const event of events(upstream.script)) res.write(event);
        if (!hold) res.end();
        return;
      }
      res.write(chunk('', null, logprobs).replace('"delta":{"content":""}', '"delta":{"role":"assistant","content":""}'));
      for (const piece of pieces) res.write(chunk(piece, null, logprobs));
      if (hold) return;
      res.write(chunk(null, 'stop', logprobs));
      if (usage) res.write(`data: ${JSON.stringify({ id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1, model: 'writer', choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  (upstream as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}
