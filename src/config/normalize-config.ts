// Validated raw data → the readonly Config every other layer reads. Problems go to `issues`;
// the result is only used when there are none.
import { GO_TIME_FORMATS, isGoTimeFormat } from '../shared/log-time-format.js';
import { checkAliases } from './check-aliases.js';
import type { IssueCollector } from './issue-collector.js';
import { checkMacroRefs, mergeMacros, readMacros } from './macro-list.js';
import { normalizeApiKeys } from './normalize-api-keys.js';
import { normalizeAudit, normalizeCache, normalizeRateLimits } from './normalize-governance.js';
import { normalizeModel, type ModelDefaults } from './normalize-model.js';
import { normalizePeers } from './normalize-peers.js';
import { normalizePolicies } from './normalize-policies.js';
import { normalizeRouting } from './normalize-routing.js';
import type { RawConfig } from './raw-config.js';
import { readHealthTimeoutMs } from './read-fields.js';
import { resolvePreload, warnUnknownModelRefs } from './resolve-model-refs.js';
import { IMPLICIT_GROUP_ID, type Config, type LogTimeFormat } from './types.js';

export const DEFAULT_HEALTH_CHECK_TIMEOUT_SEC = 120;
export const DEFAULT_UNLOAD_TIMEOUT_SEC = 10;
export const DEFAULT_START_PORT = 5800;
export const DEFAULT_MAX_REQUEST_BODY_MB = 64;
export const DEFAULT_REQUEST_BODY_TIMEOUT_SEC = 30;
export const DEFAULT_CLIENT_STALL_TIMEOUT_SEC = 30;
export const DEFAULT_METRICS_MAX_IN_MEMORY = 1000;

export interface NormalizeOptions {
  readonly sourcePath: string;
  /** Relative paths in the config (audit.path) are resolved against this. */
  readonly configDir: string;
  readonly loadedAtSec: number;
}

export function normalizeConfig(raw: RawConfig, options: NormalizeOptions, issues: IssueCollector): Config {
  const globalMacros = readMacros(raw.macros, ['macros'], 'global', issues);
  checkMacroRefs(mergeMacros(globalMacros, [], null), 'global', issues);
  const healthCheckTimeoutMs = readHealthTimeoutMs(raw.healthCheckTimeout ?? DEFAULT_HEALTH_CHECK_TIMEOUT_SEC, ['healthCheckTimeout'], issues);
  const defaults: ModelDefaults = {
    ttlMs: (raw.globalTTL ?? 0) * 1000,
    unloadTimeoutMs: (raw.unloadTimeout !== undefined && raw.unloadTimeout > 0 ? raw.unloadTimeout : DEFAULT_UNLOAD_TIMEOUT_SEC) * 1000,
    healthCheckTimeoutMs,
    sendLoadingState: raw.sendLoadingState ?? false,
  };

  const modelIds = issues.source.orderKeys(['models'], Object.keys(raw.models ?? {}));
  const normalized = modelIds.map((id) => normalizeModel(id, raw.models?.[id] ?? {}, globalMacros, defaults, IMPLICIT_GROUP_ID, issues));
  const aliasOwner = checkAliases(normalized.flatMap((n) => n.aliasOrigins), new Set(modelIds), issues);
  const { routing, groups, groupOf } = normalizeRouting(raw, modelIds, aliasOwner, issues);
  const groupIdOf = (id: string): string | null => (routing.router.use === 'matrix' ? null : (groupOf.get(id) ?? IMPLICIT_GROUP_ID));
  const models = normalized.map(({ model }) => ({ ...model, groupId: groupIdOf(model.id) }));
  const preload = resolvePreload(raw.hooks?.on_startup?.preload ?? [], modelIds, aliasOwner, issues);
  const peers = normalizePeers(raw.peers, globalMacros, issues);
  const apiKeys = normalizeApiKeys(raw.apiKeys, globalMacros, issues);
  const policies = normalizePolicies(raw.policies, issues);

  const known = new Set([...modelIds, ...aliasOwner.keys(), ...peers.flatMap((peer) => peer.models)]);
  apiKeys.forEach((key, i) => warnUnknownModelRefs(key.models ?? [], ['apiKeys', i, 'models'], known, issues));
  policies.forEach((policy, i) => warnUnknownModelRefs(policy.models, ['policies', i, 'models'], known, issues));
  if (modelIds.length === 0 && peers.length === 0) issues.warn(['models'], 'no models and no peers are configured');
  // The proxy refuses such names in URL paths (they could mean another path): say so at load.
  for (const id of modelIds.filter((m) => m.includes('..') || m.includes('\\'))) {
    issues.warn(['models', id], `model id "${id}" contains ".." or a backslash: /upstream/, load and unload answer 404 for it`, 'key');
  }

  return {
    sourcePath: options.sourcePath,
    loadedAtSec: options.loadedAtSec,
    healthCheckTimeoutMs,
    logLevel: raw.logLevel ?? 'info',
    logToStdout: raw.logToStdout ?? 'proxy',
    logFormat: raw.logFormat ?? 'auto',
    logTimeFormat: readLogTimeFormat(raw.logTimeFormat, issues),
    startPort: raw.startPort ?? DEFAULT_START_PORT,
    includeAliasesInList: raw.includeAliasesInList ?? false,
    models,
    groups,
    routing,
    peers,
    preload,
    apiKeys,
    corsOrigins: raw.corsOrigins ?? ['*'],
    maxRequestBodyBytes: Math.round((raw.maxRequestBodyMB ?? DEFAULT_MAX_REQUEST_BODY_MB) * 1024 * 1024),
    requestBodyTimeoutMs: Math.round((raw.requestBodyTimeout ?? DEFAULT_REQUEST_BODY_TIMEOUT_SEC) * 1000),
    clientStallTimeoutMs: Math.round((raw.clientStallTimeout ?? DEFAULT_CLIENT_STALL_TIMEOUT_SEC) * 1000),
    metricsMaxInMemory: raw.metricsMaxInMemory ?? DEFAULT_METRICS_MAX_IN_MEMORY,
    policies,
    audit: normalizeAudit(raw.audit, options.configDir),
    rateLimits: normalizeRateLimits(raw.rateLimits),
    cache: normalizeCache(raw.cache),
  };
}

/** As llama-swap: trimmed, any case, "" for none; an unknown name is a warning (the default then). */
function readLogTimeFormat(text: string | undefined, issues: IssueCollector): LogTimeFormat {
  if (text === undefined) return 'default';
  const name = text.trim().toLowerCase();
  if (name === '') return 'none';
  if (isGoTimeFormat(name)) return name;
  const known = Object.keys(GO_TIME_FORMATS).join(', ');
  issues.warn(['logTimeFormat'], `unknown format ${JSON.stringify(text)} (expected "" or one of ${known}); using the default`);
  return 'default';
}
