// Finds the config to run: --config FILE, else ./config.yaml, else the embedded demo.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EMBEDDED_DEMO_SOURCE, embeddedDemoConfigText } from '../config/embedded-demo-config.js';
import { loadConfigFile } from '../config/load-config-file.js';
import { loadConfigText, type LoadResult } from '../config/load-config-text.js';
import { findPackageFile } from './find-package-file.js';

export interface ConfigSource {
  /** Absolute path, or null for the embedded demo. */
  readonly path: string | null;
  load(): Promise<LoadResult>;
}

const DEMO_SCRIPT = 'demo/openai-fake-server.mjs';

export function resolveConfigSource(
  configPath: string | null,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  nodePath: string,
): ConfigSource {
  const candidate = configPath ?? (existsSync(resolve(cwd, 'config.yaml')) ? 'config.yaml' : null);
  if (candidate === null) {
    return {
      path: null,
      load: async () => loadConfigText(embeddedDemoConfigText(nodePath, findPackageFile(DEMO_SCRIPT)), EMBEDDED_DEMO_SOURCE, env),
    };
  }
  const path = resolve(cwd, candidate);
  return { path, load: () => loadConfigFile(path, env) };
}
