// Finds the config to run: --config FILE and/or --config-dir DIR (llama-swap's -config and
// -config-dir: the file first, then the directory's files, merged), else ./config.yaml, else the
// embedded demo. Loading re-lists the directory every time, so a reload sees added files.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigIssue } from '../config/config-issue.js';
import { EMBEDDED_DEMO_SOURCE, embeddedDemoConfigText } from '../config/embedded-demo-config.js';
import { loadConfigFile, loadConfigFiles } from '../config/load-config-file.js';
import { loadConfigText, type LoadResult } from '../config/load-config-text.js';
import { findPackageFile } from './find-package-file.js';
import { listConfigDir } from './list-config-dir.js';

export interface ConfigChoice {
  readonly configPath: string | null;
  readonly configDir: string | null;
}

export interface ConfigSource {
  /** The config file, absolute; null for a config dir alone or the embedded demo. */
  readonly path: string | null;
  /** The config dir, absolute; null when there is none. */
  readonly dir: string | null;
  /** How logs name it: the file, the dir, or both joined by " + "; "embedded demo". */
  readonly label: string;
  load(): Promise<LoadResult>;
}

const DEMO_SCRIPT = 'demo/openai-fake-server.mjs';

export function resolveConfigSource(
  choice: ConfigChoice,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  nodePath: string,
): ConfigSource {
  const dir = choice.configDir === null ? null : resolve(cwd, choice.configDir);
  const candidate = choice.configPath ?? (dir === null && existsSync(resolve(cwd, 'config.yaml')) ? 'config.yaml' : null);
  const path = candidate === null ? null : resolve(cwd, candidate);
  if (dir !== null) {
    return { path, dir, label: path === null ? dir : `${path} + ${dir}`, load: () => loadWithDir(path, dir, env) };
  }
  if (path === null) {
    return {
      path: null,
      dir: null,
      label: 'embedded demo',
      load: async () => loadConfigText(embeddedDemoConfigText(nodePath, findPackageFile(DEMO_SCRIPT)), EMBEDDED_DEMO_SOURCE, env),
    };
  }
  return { path, dir: null, label: path, load: () => loadConfigFile(path, env) };
}

async function loadWithDir(path: string | null, dir: string, env: Readonly<Record<string, string | undefined>>): Promise<LoadResult> {
  const failed = (message: string, file = dir): LoadResult => ({ ok: false, errors: [dirIssue(file, message)], warnings: [] });
  const listed = await listConfigDir(dir);
  if (!listed.ok) return failed(`--config-dir: cannot list the directory: ${listed.reason}`);
  // llama-swap refuses the same file twice rather than merging it with itself.
  if (path !== null && listed.files.includes(path)) {
    return failed(`--config ${path} is also in --config-dir ${dir}; remove it from one`, path);
  }
  const files = [...(path === null ? [] : [path]), ...listed.files];
  if (files.length === 0) return failed('--config-dir: no configuration found: the directory holds no *.yml or *.yaml file');
  // Relative paths in the config (audit.path) resolve against --config's directory, else the dir.
  return loadConfigFiles(files, env, path === null ? { baseDir: dir, sourcePath: dir } : {});
}

function dirIssue(file: string, message: string): ConfigIssue {
  return { file, line: 0, column: 0, path: '', message };
}
