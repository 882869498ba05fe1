// YAML text → Config, or every problem found: syntax, ${env.X}, schema, macros, semantics.
import { dirname, resolve } from 'node:path';
import { checkKeys } from './check-keys.js';
import { sortIssues, type ConfigIssue } from './config-issue.js';
import type { IssueCollector } from './issue-collector.js';
import { loadConfigSchema } from './load-schema.js';
import { normalizeConfig, type NormalizeOptions } from './normalize-config.js';
import { parseYaml, toPlainData } from './parse-yaml.js';
import type { RawConfig } from './raw-config.js';
import { substituteEnvRefs, type EnvSource } from './substitute-env.js';
import type { Config } from './types.js';
import { validateAgainstSchema } from './validate-schema.js';

export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: ConfigIssue[] }
  | { readonly ok: false; readonly errors: ConfigIssue[]; readonly warnings: ConfigIssue[] };

export interface LoadOptions {
  /** Directory relative paths are resolved against; default: the source's directory. */
  readonly baseDir?: string;
  /** Default: now. */
  readonly loadedAtSec?: number;
}

/** sourceName names the file in issues; a name like "<embedded demo>" is kept as sourcePath. */
export function loadConfigText(text: string, sourceName: string, env: EnvSource, options: LoadOptions = {}): LoadResult {
  const parsed = parseYaml(text, sourceName);
  const { issues } = parsed;
  if (issues.hasErrors) return fail(issues);
  substituteEnvRefs(parsed.doc, env, issues);
  const plain = toPlainData(parsed);
  if (plain === null) return fail(issues);

  const isPseudoName = sourceName.startsWith('<');
  const sourcePath = isPseudoName ? sourceName : resolve(sourceName);
  const config = checkAndNormalize(plain, issues, {
    sourcePath,
    configDir: options.baseDir ?? (isPseudoName ? resolve('.') : dirname(sourcePath)),
    loadedAtSec: options.loadedAtSec ?? Math.floor(Date.now() / 1000),
  });
  if (issues.hasErrors) return fail(issues);
  return { ok: true, config, warnings: sortIssues(issues.warnings) };
}

/** Plain YAML data → Config: unknown keys, the schema, then macros and semantics (also for a merged config dir). */
export function checkAndNormalize(plain: unknown, issues: IssueCollector, options: NormalizeOptions): Config {
  checkKeys(plain, loadConfigSchema(), issues);
  const valid = validateAgainstSchema(plain, issues) as RawConfig;
  return normalizeConfig(valid, options, issues);
}

function fail(issues: IssueCollector): LoadResult {
  return { ok: false, errors: sortIssues(issues.errors), warnings: sortIssues(issues.warnings) };
}
