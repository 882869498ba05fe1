// Builds the app around a StubSupervisor, captures pino output as parsed objects, and listens
// on port 0: every test talks to it over a real socket, the same path as production. close()
// tears down server, agents and every fake upstream.
import type { Config, ModelConfig } from '../../src/config/types.js';
import { LogHub } from '../../src/shared/log-hub.js';
import { createLogger } from '../../src/shared/logger.js';
import { createApp, type AppDeps, type SwapgateApp } from '../../src/server/app.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/start-server.js';
import { makeConfig } from '../helpers/model-config.js';
import { StubSupervisor, type StubModelOptions } from './stub-supervisor.js';

export interface HarnessOptions {
  readonly models: ModelConfig[];
  readonly config?: Partial<Config>;
  readonly stub?: Readonly<Record<string, StubModelOptions>>;
  readonly app?: Partial<Pick<AppDeps, 'upstreamTimeoutMs' | 'loadingDotIntervalMs' | 'refusedRetryWaitMs' | 'now' | 'hooks'>>;
  readonly hub?: LogHub;
  /** Server timeouts (slowloris bounds), shortened by tests. */
  readonly server?: Omit<ServerOptions, 'host' | 'port'>;
}

export interface Harness {
  readonly config: Config;
  readonly stub: StubSupervisor;
  readonly hub: LogHub;
  readonly swapgate: SwapgateApp;
  /** Raw pino lines as written. */
  readonly rawLogs: string[];
  /** Base URL of the real server. */
  readonly url: string;
  readonly server: RunningServer;
  /** fetch(url + path, init), except that redirects are returned, not followed. */
  request(path: string, init?: RequestInit): Promise<Response>;
  logs(): Record<string, unknown>[];
  /** The per-request log line for a request id. */
  requestLine(reqId: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const config = makeConfig(options.models, options.config ?? {});
  const hub = options.hub ?? new LogHub();
  const rawLogs: string[] = [];
  const logger = createLogger({ level: 'debug', toStdout: false, hub, destination: { write: (line: string) => void rawLogs.push(line) } });
  const stub = new StubSupervisor(config, options.stub ?? {}, hub);
  const swapgate = createApp({ config, supervisor: stub, logger, hub, ...options.app });
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0, ...options.server });
  const url = `http://127.0.0.1:${server.port}`;
  const logs = (): Record<string, unknown>[] => rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    config,
    stub,
    hub,
    swapgate,
    rawLogs,
    url,
    server,
    request: (path, init) => fetch(`${url}${path}`, { redirect: 'manual', ...init }),
    logs,
    requestLine: (reqId) => logs().find((line) => line.msg === 'request' && line.reqId === reqId),
    async close() {
      await server.close();
      swapgate.close();
      await stub.shutdown();
    },
  };
}

/** Parses an SSE body into its data payloads, keeping the literal [DONE]. */
export function parseSse(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as unknown)));
}

export async function readJson<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null; [key: string]: unknown };
  src: string;
}

export interface EchoBody {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: string;
  model: string;
}
