// Reads a config file and loads it; loadConfigOrThrow for callers that stop on a bad config.
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';
import type { ConfigIssue } from './config-issue.js';
import { loadConfigText, type LoadOptions, type LoadResult } from './load-config-text.js';
import type { EnvSource } from './substitute-env.js';
import type { Config } from './types.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly ConfigIssue[];
}

export async function loadConfigFile(path: string, env: EnvSource, options: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ file: path, line: 0, column: 0, path: '', message: `cannot read the config file: ${reason}` }], warnings: [] };
  }
  return loadConfigText(text, path, env, options);
}

/** Throws ConfigError (code config_invalid) listing every problem. */
export async function loadConfigOrThrow(path: string, env: EnvSource, options: LoadOptions = {}): Promise<LoadedConfig> {
  const result = await loadConfigFile(path, env, options);
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  return { config: result.config, warnings: result.warnings };
}
