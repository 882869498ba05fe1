// Starts the app the way the daemon does (openGovernance, then createApp) around the stub
// supervisor, on a real socket; logs are captured as parsed objects and the audit file (when
// configured) can be read back record by record.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiKeyConfig, AuditConfig, Config, ModelConfig, PolicyConfig } from '../../src/config/types.js';
import { createApp, type SwapgateApp } from '../../src/server/app.js';
import { openGovernance, type Governance } from '../../src/governance/create-governance.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { LogHub } from '../../src/shared/log-hub.js';
import { createLogger } from '../../src/shared/logger.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { StubSupervisor, type StubModelOptions } from '../server/stub-supervisor.js';
import OpenAI from 'openai';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.js';

export interface GovernedHarnessOptions {
  readonly models: ModelConfig[];
  readonly config?: Partial<Config>;
  readonly stub?: Readonly<Record<string, StubModelOptions>>;
  /** Audit into a fresh temp dir with these settings (path is filled in). */
  readonly audit?: Partial<Omit<AuditConfig, 'path'>>;
  /** Monotonic clock for the app and governance (rate limits, cache TTL, durations). */
  readonly now?: () => number;
}

export interface GovernedHarness {
  readonly url: string;
  readonly config: Config;
  readonly stub: StubSupervisor;
  readonly governance: Governance;
  readonly swapgate: SwapgateApp;
  readonly server: RunningServer;
  readonly rawLogs: string[];
  readonly auditPath: string | null;
  logs(): Record<string, unknown>[];
  /** Raw text of the audit file. */
  auditText(): Promise<string>;
  /** Parsed audit records (the file as it is on disk now). */
  auditRecords(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startGoverned(options: GovernedHarnessOptions): Promise<GovernedHarness> {
  const dir = options.audit ? await mkdtemp(join(tmpdir(), 'swapgate-governance-')) : null;
  const audit: AuditConfig | null =
    dir === null
      ? null
      : { path: join(dir, 'swapgate-audit.jsonl'), immutable: true, retentionDays: 0, logAllAccess: false, flushIntervalMs: 10, fsync: false, ...options.audit };
  const config = makeConfig(options.models, { ...options.config, audit });
  const hub = new LogHub();
  const rawLogs: string[] = [];
  const logger = createLogger({ level: 'debug', toStdout: false, hub, destination: { write: (line: string) => void rawLogs.push(line) } });
  const stub = new StubSupervisor(config, options.stub ?? {}, hub);
  const now = options.now ?? (() => performance.now());
  const governance = await openGovernance(config, { logger, now });
  const swapgate = createApp({ config, supervisor: stub, logger, hub, governance, now });
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  // The writer creates the file on open; a missing one (no audit configured) reads as empty.
  const auditText = async (): Promise<string> => (audit === null ? '' : readFile(audit.path, 'utf8'));
  return {
    url: `http://127.0.0.1:${server.port}`,
    config,
    stub,
    governance,
    swapgate,
    server,
    rawLogs,
    auditPath: audit?.path ?? null,
    logs: () => rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>),
    auditText,
    async auditRecords() {
      const text = await auditText();
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async close() {
      await server.close();
      swapgate.close();
      await stub.shutdown();
      await governance.close();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}

export function chatBody(content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'chat', messages: [{ role: 'user', content }], ...extra });
}

/** An API key config: no model scope, no rate limit, not admin, unless `extra` says so. */
export function makeApiKey(key: string, name: string, extra: Partial<ApiKeyConfig> = {}): ApiKeyConfig {
  return { key, name, models: null, requestsPerMinute: null, admin: false, ...extra };
}

/** The response rules the stream tests run under (for the scripted upstream's models). */
export const STREAM_GUARD_POLICIES: PolicyConfig[] = [
  {
    id: 'stream-guard',
    description: null,
    models: ['scripted/*'],
    rules: [
      { type: 'pii_detection', action: 'redact', appliesTo: ['response'], patterns: ['email'] },
      { type: 'content_filter', action: 'block', appliesTo: ['response'], categories: [], terms: ['project-x'] },
      { type: 'response_length', action: 'truncate', appliesTo: ['response'], maxTokens: 6 },
    ],
  },
];

export interface ScriptedGovernance {
  readonly upstream: ScriptedUpstream;
  readonly harness: GovernedHarness;
  /** The official openai client, pointed at the daemon. */
  readonly client: OpenAI;
  close(): Promise<void>;
}

/** The scripted upstream as peer "scripted" (model "writer") behind a daemon under STREAM_GUARD_POLICIES, audited. */
export async function startScriptedGovernance(): Promise<ScriptedGovernance> {
  const upstream = await startScriptedUpstream({ pieces: [] });
  const harness = await startGoverned({
    models: [makeModel('local')],
    config: { peers: [upstream.peer('scripted', ['writer'])], policies: STREAM_GUARD_POLICIES },
    audit: {},
  });
  return {
    upstream,
    harness,
    client: new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 }),
    async close() {
      await harness.close();
      await upstream.close();
    },
  };
}
