// The daemon's app in front of a real supervisor whose models are the fake upstream, with one
// Observability passed in as the daemon passes it (so tests hold the store, the event streams
// and the registry). Every request carries the admin key when keys are configured. An SSE reader
// collects /api/events frames as parsed objects for tests to wait on.
import type { Config, ModelConfig } from '../../src/config/types.js';
import type { ActivityEntry } from '../../src/observe/activity-entry.js';
import { createObservability, type Observability, type ObservabilityOptions } from '../../src/observe/create-observability.js';
import { createApp, type SwapgateApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { createLogger } from '../../src/shared/logger.js';
import type { LogHub } from '../../src/shared/log-hub.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import { makeConfig } from '../helpers/model-config.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';
import { waitFor } from '../helpers/wait-for.js';

export const ADMIN_KEY = 'sk-admin-observe';

export interface ObservedOptions {
  readonly models: ModelConfig[];
  readonly config?: Partial<Config>;
  readonly observe?: Partial<ObservabilityOptions>;
}

export interface Observed {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly hub: LogHub;
  readonly observe: Observability;
  readonly swapgate: SwapgateApp;
  readonly server: RunningServer;
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POST /v1/chat/completions with this body and request id. */
  chat(body: Record<string, unknown>, reqId: string, init?: RequestInit): Promise<Response>;
  /** The activity row of a request id, once recorded. */
  entry(reqId: string): Promise<ActivityEntry>;
  close(): Promise<void>;
}

export async function startObserved(options: ObservedOptions): Promise<Observed> {
  const config = makeConfig(options.models, options.config ?? {});
  const { supervisor, hub } = createRealSupervisor(config);
  const logger = createLogger({ level: 'info', toStdout: false, hub });
  const observe = createObservability({ hub, logger, ...options.observe });
  const swapgate = createApp({ config, supervisor, logger, hub, observe });
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const auth: Record<string, string> = config.apiKeys.length > 0 ? { authorization: `Bearer ${ADMIN_KEY}` } : {};
  const request = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
  return {
    url,
    port: server.port,
    config,
    supervisor,
    hub,
    observe,
    swapgate,
    server,
    request,
    chat: (body, reqId, init = {}) =>
      request('/v1/chat/completions', { ...init, method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': reqId }, body: JSON.stringify(body) }),
    entry: (reqId) =>
      waitFor(() => observe.activity.oldestFirst().find((e) => e.request_id === reqId), { timeoutMs: 10_000, what: `the activity row of ${reqId}` }),
    async close() {
      await server.close({ graceMs: 0 });
      swapgate.close();
      observe.close();
      await supervisor.shutdown({ graceMs: 0, force: true });
    },
  };
}

export interface EventFrame {
  readonly type: string;
  readonly data: unknown;
}

export interface EventReader {
  readonly frames: EventFrame[];
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  /** The first frame (from index `from`) matching, once it arrived. */
  next(match: (frame: EventFrame) => boolean, from?: number): Promise<EventFrame>;
  cancel(): Promise<void>;
}

/** Reads GET /api/events as it arrives: llama-swap's `event:message` / `data:{type,data:"<json>"}` frames. */
export async function readEvents(o: Observed): Promise<EventReader> {
  const res = await o.request('/api/events');
  if (res.status !== 200 || res.body === null) throw new Error(`/api/events answered ${res.status}`);
  const frames: EventFrame[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      let end = pending.indexOf('\n\n');
      while (end >= 0) {
        const frame = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const [event, data] = frame.split('\n');
        if (event !== 'event:message' || data?.startsWith('data:') !== true) throw new Error(`not a llama-swap frame: ${JSON.stringify(frame)}`);
        const envelope = JSON.parse(data.slice('data:'.length)) as { type: string; data: string };
        frames.push({ type: envelope.type, data: JSON.parse(envelope.data) as unknown });
        end = pending.indexOf('\n\n');
      }
    }
  })();
  return {
    frames,
    ended,
    next: (match, from = 0) => waitFor(() => frames.slice(from).find(match), { timeoutMs: 10_000, what: 'an /api/events frame' }),
    cancel: () => reader.cancel(),
  };
}
