// Reads a config file (or several, merged: a config dir) and loads it; loadConfigOrThrow for
// callers that stop on a bad config.
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';
import type { ConfigIssue } from './config-issue.js';
import { loadConfigText, type LoadOptions, type LoadResult } from './load-config-text.js';
import { loadConfigTexts, type ConfigText, type LoadTextsOptions } from './load-config-texts.js';
import type { EnvSource } from './substitute-env.js';
import type { Config } from './types.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly ConfigIssue[];
}

export async function loadConfigFile(path: string, env: EnvSource, options: LoadOptions = {}): Promise<LoadResult> {
  const read = await readConfigText(path);
  return 'issue' in read ? { ok: false, errors: [read.issue], warnings: [] } : loadConfigText(read.text, path, env, options);
}

/** paths in load order (at least one): later files merge into earlier ones. Every unreadable file is named. */
export async function loadConfigFiles(paths: readonly string[], env: EnvSource, options: LoadTextsOptions = {}): Promise<LoadResult> {
  const read = await Promise.all(paths.map(readConfigText));
  const errors = read.flatMap((r) => ('issue' in r ? [r.issue] : []));
  if (errors.length > 0) return { ok: false, errors, warnings: [] };
  return loadConfigTexts(read.filter((r): r is ConfigText => !('issue' in r)), env, options);
}

async function readConfigText(path: string): Promise<ConfigText | { issue: ConfigIssue }> {
  try {
    return { file: path, text: await readFile(path, 'utf8') };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { issue: { file: path, line: 0, column: 0, path: '', message: `cannot read the config file: ${reason}` } };
  }
}

/** Throws ConfigError (code config_invalid) listing every problem. */
export async function loadConfigOrThrow(path: string, env: EnvSource, options: LoadOptions = {}): Promise<LoadedConfig> {
  const result = await loadConfigFile(path, env, options);
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  return { config: result.config, warnings: result.warnings };
}
