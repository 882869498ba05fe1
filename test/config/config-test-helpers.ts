// Shared by the config tests: YAML from lines (line N of the file is argument N) and loaders
// that fail loudly when the outcome is not the expected one.
import { formatConfigIssue } from '../../src/config/config-issue.js';
import { loadConfigText, type LoadOptions } from '../../src/config/load-config-text.js';
import type { Config } from '../../src/config/types.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function yamlOf(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function loadOk(text: string, env: Env = {}, options: LoadOptions = {}): { config: Config; warnings: string[] } {
  const result = loadConfigText(text, 'config.yaml', env, options);
  if (!result.ok) throw new Error(`expected the config to load, got:\n${result.errors.map(formatConfigIssue).join('\n')}`);
  return { config: result.config, warnings: result.warnings.map(formatConfigIssue) };
}

export function loadErrors(text: string, env: Env = {}): string[] {
  const result = loadConfigText(text, 'config.yaml', env);
  if (result.ok) throw new Error('expected the config to be rejected, but it loaded');
  return result.errors.map(formatConfigIssue);
}

export function loadWarnings(text: string, env: Env = {}): string[] {
  return loadConfigText(text, 'config.yaml', env).warnings.map(formatConfigIssue);
}

export function modelOf(config: Config, id: string): Config['models'][number] {
  const model = config.models.find((m) => m.id === id);
  if (model === undefined) throw new Error(`no model ${id}`);
  return model;
}
