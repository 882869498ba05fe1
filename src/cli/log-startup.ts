// The lines a daemon starts with, at info level: which version runs which config with how many
// models, then where to point a client and a browser. A wildcard listen address (0.0.0.0, ::)
// is shown as loopback, what a browser on this machine opens; anything but loopback is
// reachable from other hosts, and a warning says so.
import type { Logger } from '../shared/logger.js';

export interface ServeUrls {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1. */
  readonly api: string;
  readonly ui: string;
  /** True when only this machine can connect. */
  readonly loopback: boolean;
}

export function getServeUrls(host: string, port: number, scheme: 'http' | 'https' = 'http'): ServeUrls {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const shown = bare === '0.0.0.0' || bare === '' ? '127.0.0.1' : bare === '::' ? '::1' : bare;
  const base = `${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  return { api: `${base}/v1`, ui: `${base}/ui/`, loopback: isLoopback(bare) };
}

/** configPath null: the built-in demo; else the file, the config dir, or both ("file + dir"). */
export function logStartup(logger: Logger, version: string, configPath: string | null, models: number): void {
  const config = configPath ?? 'built-in demo (no --config and no ./config.yaml)';
  logger.info(
    { event: 'daemon.start', version, config: configPath ?? 'embedded demo', models },
    `swapgate ${version} · config ${config} · ${models} model${models === 1 ? '' : 's'}`,
  );
}

export function logListening(logger: Logger, host: string, port: number, apiKeys: number, scheme: 'http' | 'https' = 'http'): void {
  const listen = `${host}:${port}`;
  const urls = getServeUrls(host, port, scheme);
  logger.info({ event: 'daemon.listening', listen, api: urls.api, ui: urls.ui }, `API ${urls.api}  UI ${urls.ui}`);
  if (urls.loopback) return;
  const open = apiKeys === 0 ? ', and no apiKeys are set: anyone who can connect can use it' : '';
  logger.warn({ event: 'daemon.exposed', listen, apiKeys }, `listening on ${listen}: reachable from other hosts${open}`);
}

function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(lower);
}
