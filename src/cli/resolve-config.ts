// Finds the config to run: --config FILE, else ./config.yaml, else the embedded demo.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_DEMO_SOURCE, embeddedDemoConfigText } from '../config/embedded-demo-config.js';
import { loadConfigFile } from '../config/load-config-file.js';
import { loadConfigText, type LoadResult } from '../config/load-config-text.js';

export interface ConfigSource {
  /** Absolute path, or null for the embedded demo. */
  readonly path: string | null;
  load(): Promise<LoadResult>;
}

// dist/cli and src/cli both sit two levels below the package root.
const DEMO_SCRIPT = fileURLToPath(new URL('../../demo/openai-fake-server.mjs', import.meta.url));

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
      load: async () => loadConfigText(embeddedDemoConfigText(nodePath, DEMO_SCRIPT), EMBEDDED_DEMO_SOURCE, env),
    };
  }
  const path = resolve(cwd, candidate);
  return { path, load: () => loadConfigFile(path, env) };
}
