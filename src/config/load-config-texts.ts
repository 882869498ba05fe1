// Several YAML files (--config, then a config dir's files) → one Config. Each file is parsed and
// gets its ${env.X} on its own (so a YAML anchor or an env error stays in its file), the files'
// data merge as llama-swap merges them (merge-config-data.ts), and the merged data is checked as
// one config whose every issue names the file, line and column it comes from.
import { dirname, resolve } from 'node:path';
import { describeValue, formatKeyPath, type ConfigIssue } from './config-issue.js';
import { isRecord } from './is-record.js';
import { IssueCollector } from './issue-collector.js';
import { checkAndNormalize, loadConfigText, type LoadOptions, type LoadResult } from './load-config-text.js';
import { mergeConfigData, type MergeConflict } from './merge-config-data.js';
import { MergedSourceMap } from './merged-source-map.js';
import { parseYaml, toPlainData } from './parse-yaml.js';
import { substituteEnvRefs, type EnvSource } from './substitute-env.js';

export interface ConfigText {
  /** As issues name it (the loader resolves nothing: pass absolute paths for absolute names). */
  readonly file: string;
  readonly text: string;
}

export interface LoadTextsOptions extends LoadOptions {
  /** Config.sourcePath; default: the first file. */
  readonly sourcePath?: string;
}

/** Files in load order: later files merge into earlier ones. */
export function loadConfigTexts(files: readonly ConfigText[], env: EnvSource, options: LoadTextsOptions = {}): LoadResult {
  const [first] = files;
  if (first === undefined) throw new RangeError('loadConfigTexts: no files');
  if (files.length === 1) return loadConfigText(first.text, first.file, env, options);

  const parsed = files.map(({ file, text }) => {
    const one = parseYaml(text, file);
    if (!one.issues.hasErrors) substituteEnvRefs(one.doc, env, one.issues);
    const data = one.issues.hasErrors ? null : toPlainData(one);
    // llama-swap: "top-level YAML must be a mapping" (an empty file is nothing to merge).
    if (data !== null && !isRecord(data)) one.issues.error([], `the file must hold a map of settings, got ${describeValue(data)}`);
    return { ...one, text, data: isRecord(data) ? data : {} };
  });
  const fileErrors = parsed.flatMap((p) => p.issues.errors);
  const fileWarnings = parsed.flatMap((p) => p.issues.warnings);
  const order = new Map(files.map((f, i) => [f.file, i]));
  if (fileErrors.length > 0) return { ok: false, errors: sortByFile(fileErrors, order), warnings: sortByFile(fileWarnings, order) };

  const merged = mergeConfigData(parsed.map((p) => p.data));
  const source = new MergedSourceMap(
    parsed.map((p) => ({ file: p.issues.file, map: p.source, length: p.text.length })),
    merged.origin,
  );
  const issues = new IssueCollector(first.file, source);
  for (const conflict of merged.conflicts) reportConflict(conflict, source, issues);
  const warnings = (): ConfigIssue[] => sortByFile([...fileWarnings, ...issues.warnings], order);
  if (issues.hasErrors) return { ok: false, errors: sortByFile(issues.errors, order), warnings: warnings() };

  const sourcePath = options.sourcePath ?? resolve(first.file);
  const config = checkAndNormalize(merged.data, issues, {
    sourcePath,
    configDir: options.baseDir ?? dirname(resolve(first.file)),
    loadedAtSec: options.loadedAtSec ?? Math.floor(Date.now() / 1000),
  });
  if (issues.hasErrors) return { ok: false, errors: sortByFile(issues.errors, order), warnings: warnings() };
  return { ok: true, config, warnings: warnings() };
}

/** At the refused value, naming where the kept one is. */
function reportConflict(conflict: MergeConflict, source: MergedSourceMap, issues: IssueCollector): void {
  const { kind, path, kept, refused } = conflict;
  const anchor = kind === 'duplicate' ? 'key' : 'value';
  const there = source.describeOrigin(kept, anchor);
  const name = String(path.at(-1) ?? '');
  const message =
    kind === 'duplicate'
      ? `duplicate ${formatKeyPath(path.slice(0, -1))} "${name}": already defined at ${there}`
      : kind === 'different_values'
        ? `set to ${describeValue(conflict.refusedValue)} here and to ${describeValue(conflict.keptValue)} at ${there}; ` +
          'files may repeat a setting only with the same value'
        : `cannot merge ${describeValue(conflict.refusedValue)} here with ${describeValue(conflict.keptValue)} at ${there}`;
  const offset = source.offsetOfOrigin(refused, anchor);
  if (offset === undefined) issues.error(path, message, anchor);
  else issues.errorAtOffset(offset, message, path);
}

function sortByFile(issues: readonly ConfigIssue[], order: ReadonlyMap<string, number>): ConfigIssue[] {
  const rank = (issue: ConfigIssue): number => order.get(issue.file) ?? order.size;
  return [...issues].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column);
}
