// One `models.<id>` entry → ModelConfig: macros, command splitting, defaults, seconds → ms.
import type { KeyPath } from './config-issue.js';
import { INFO_FIELD, MacroExpander, PLAIN_FIELD, START_FIELD, STOP_FIELD } from './expand-macros.js';
import type { IssueCollector } from './issue-collector.js';
import { checkMacroRefs, mergeMacros, readMacros, type MacroEntry } from './macro-list.js';
import { normalizeFilters } from './normalize-filters.js';
import { readCommand, readHealthTimeoutMs, readHttpUrl } from './read-fields.js';
import type { RawModel } from './raw-config.js';
import { stripCommandComments } from './split-command.js';
import { PORT_PLACEHOLDER, type ModelConfig } from './types.js';

export const DEFAULT_PROXY = 'http://localhost:${PORT}';
export const DEFAULT_CHECK_ENDPOINT = '/health';
export const DEFAULT_CONCURRENCY_LIMIT = 10;

export interface ModelDefaults {
  readonly ttlMs: number;
  readonly unloadTimeoutMs: number;
  readonly healthCheckTimeoutMs: number;
  readonly sendLoadingState: boolean;
}

/** Where each alias of a model was declared, for the cross-model duplicate check. */
export interface AliasOrigin {
  readonly alias: string;
  readonly modelId: string;
  readonly path: KeyPath;
}

export interface NormalizedModel {
  readonly model: ModelConfig;
  readonly aliasOrigins: readonly AliasOrigin[];
}

export function normalizeModel(
  id: string,
  raw: RawModel,
  globals: readonly MacroEntry[],
  defaults: ModelDefaults,
  groupId: string,
  issues: IssueCollector,
): NormalizedModel {
  const path = ['models', id];
  const macros = mergeMacros(globals, readMacros(raw.macros, [...path, 'macros'], 'model', issues), id);
  checkMacroRefs(macros, 'model', issues);
  const x = new MacroExpander(macros, issues);

  const cmdText = x.text(stripCommandComments(raw.cmd ?? ''), [...path, 'cmd'], START_FIELD);
  const cmd = raw.cmd === undefined ? [] : readCommand(cmdText, [...path, 'cmd'], issues);
  const stopText = x.text(stripCommandComments(raw.cmdStop ?? ''), [...path, 'cmdStop'], STOP_FIELD);
  const cmdStop = stopText.trim() === '' ? null : readCommand(stopText, [...path, 'cmdStop'], issues);
  const usesPort = cmdText.includes(PORT_PLACEHOLDER);
  const filters = normalizeFilters(raw.filters, [...path, 'filters'], x, issues);
  const aliasOrigins = collectAliases(id, raw, x, Object.keys(filters.setParamsByID), issues);

  const model: ModelConfig = {
    id,
    cmd,
    cmdStop,
    proxy: readProxy(raw, path, x, usesPort, issues),
    checkEndpoint: readCheckEndpoint(raw, path, x, issues),
    usesPort,
    ttlMs: raw.ttl === undefined || raw.ttl === -1 ? defaults.ttlMs : raw.ttl * 1000,
    unloadTimeoutMs: raw.unloadTimeout !== undefined && raw.unloadTimeout > 0 ? raw.unloadTimeout * 1000 : defaults.unloadTimeoutMs,
    healthCheckTimeoutMs:
      raw.healthCheckTimeout === undefined
        ? defaults.healthCheckTimeoutMs
        : readHealthTimeoutMs(raw.healthCheckTimeout, [...path, 'healthCheckTimeout'], issues),
    env: readEnv(raw.env ?? [], [...path, 'env'], x, issues),
    name: orNull(x.text(raw.name ?? '', [...path, 'name'], INFO_FIELD)),
    description: orNull(x.text(raw.description ?? '', [...path, 'description'], INFO_FIELD)),
    aliases: aliasOrigins.map((origin) => origin.alias),
    useModelName: orNull(x.text(raw.useModelName ?? '', [...path, 'useModelName'], PLAIN_FIELD)),
    unlisted: raw.unlisted ?? false,
    metadata: x.map(raw.metadata ?? {}, [...path, 'metadata'], INFO_FIELD),
    concurrencyLimit: raw.concurrencyLimit !== undefined && raw.concurrencyLimit > 0 ? raw.concurrencyLimit : DEFAULT_CONCURRENCY_LIMIT,
    sendLoadingState: raw.sendLoadingState ?? defaults.sendLoadingState,
    filters,
    groupId,
  };
  return { model, aliasOrigins };
}

function readProxy(raw: RawModel, path: KeyPath, x: MacroExpander, usesPort: boolean, issues: IssueCollector): string {
  const proxyPath = [...path, 'proxy'];
  const proxy = x.text(raw.proxy ?? DEFAULT_PROXY, proxyPath, START_FIELD).replace(/\/+$/, '');
  if (proxy.includes(PORT_PLACEHOLDER) && !usesPort && raw.cmd !== undefined) {
    const message =
      raw.proxy === undefined
        ? `cmd does not use \${PORT}, so proxy must be set (the default ${DEFAULT_PROXY} needs cmd to use \${PORT})`
        : 'proxy uses ${PORT} but cmd does not: ${PORT} only has a value when cmd uses it';
    issues.error(raw.proxy === undefined ? path : proxyPath, message, raw.proxy === undefined ? 'key' : { token: PORT_PLACEHOLDER });
  }
  const probe = proxy.replaceAll(PORT_PLACEHOLDER, '1');
  if (!/\$\{[a-zA-Z0-9_.-]+\}/.test(probe)) readHttpUrl(probe, proxy, proxyPath, issues); // else reported as unknown
  return proxy;
}

function readCheckEndpoint(raw: RawModel, path: KeyPath, x: MacroExpander, issues: IssueCollector): string | null {
  const endpointPath = [...path, 'checkEndpoint'];
  const endpoint = x.text(raw.checkEndpoint ?? DEFAULT_CHECK_ENDPOINT, endpointPath, START_FIELD).trim();
  if (endpoint === 'none') return null;
  if (!endpoint.startsWith('/')) issues.error(endpointPath, `expected a path starting with "/" or "none", got ${JSON.stringify(endpoint)}`);
  return endpoint;
}

function readEnv(entries: readonly string[], path: KeyPath, x: MacroExpander, issues: IssueCollector): Record<string, string> {
  const env: Record<string, string> = {};
  entries.forEach((entry, i) => {
    const text = x.text(entry, [...path, i], PLAIN_FIELD);
    const eq = text.indexOf('=');
    if (eq <= 0) issues.error([...path, i], `expected NAME=value, got ${JSON.stringify(text)}`);
    else env[text.slice(0, eq)] = text.slice(eq + 1);
  });
  return env;
}

// Declared aliases, then setParamsByID keys other than the id (llama-swap registers those too).
function collectAliases(id: string, raw: RawModel, x: MacroExpander, byIdKeys: readonly string[], issues: IssueCollector): AliasOrigin[] {
  const origins: AliasOrigin[] = [];
  (raw.aliases ?? []).forEach((entry, i) => {
    const path = typeof entry === 'string' ? ['models', id, 'aliases', i] : ['models', id, 'aliases', i, 'id'];
    const alias = x.text(typeof entry === 'string' ? entry : (entry.id ?? ''), path, PLAIN_FIELD).trim();
    if (alias === '') return;
    if (origins.some((origin) => origin.alias === alias)) issues.error(path, `duplicate alias "${alias}"`);
    else origins.push({ alias, modelId: id, path });
  });
  for (const key of byIdKeys) {
    if (key === id || origins.some((origin) => origin.alias === key)) continue;
    origins.push({ alias: key, modelId: id, path: ['models', id, 'filters', 'setParamsByID', key] });
  }
  return origins;
}

function orNull(text: string): string | null {
  return text === '' ? null : text;
}
