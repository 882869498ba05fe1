// Macro declarations (llama-swap rules): names, reserved words, and which macro may use which.
// A macro may use macros earlier in the merged list (MODEL_ID, globals, then the model's own);
// a model macro that overrides a global takes the global's place in that list.
import type { KeyPath } from './config-issue.js';
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import type { MacroValue } from './raw-config.js';

export interface MacroEntry {
  readonly name: string;
  readonly value: MacroValue;
  readonly path: KeyPath;
  readonly scope: 'builtin' | 'global' | 'model';
}

export const RESERVED_MACRO_NAMES: readonly string[] = ['PORT', 'PID', 'MODEL_ID'];
/** Left in place at load time: the process layer fills them in at each start/stop. */
export const RUNTIME_MACRO_NAMES: readonly string[] = ['PORT', 'PID'];

const MACRO_NAME = /^[a-zA-Z0-9_-]+$/;

export function getMacroRefs(text: string): string[] {
  return [...text.matchAll(/\$\{([a-zA-Z0-9_-]+)\}/g)].map((match) => match[1] ?? '');
}

/** Valid entries of one `macros:` map in declaration order; bad names are reported and dropped. */
export function readMacros(
  raw: Readonly<Record<string, MacroValue>> | undefined,
  path: KeyPath,
  scope: 'global' | 'model',
  issues: IssueCollector,
): MacroEntry[] {
  if (raw === undefined) return [];
  const entries: MacroEntry[] = [];
  for (const name of issues.source.orderKeys(path, Object.keys(raw))) {
    const entryPath = [...path, name];
    const value = raw[name];
    if (value === undefined) continue;
    if (RESERVED_MACRO_NAMES.includes(name)) {
      issues.error(entryPath, `macro name "${name}" is reserved: swapgate sets \${${name}} itself`, 'key');
    } else if (!MACRO_NAME.test(name) || name.length >= 64) {
      issues.error(entryPath, `invalid macro name "${name}": use letters, digits, "_" and "-", under 64 characters`, 'key');
    } else {
      entries.push({ name, value, path: entryPath, scope });
    }
  }
  return entries;
}

/** MODEL_ID, then globals (overridden in place by the model's), then the model's new ones. */
export function mergeMacros(globals: readonly MacroEntry[], own: readonly MacroEntry[], modelId: string | null): MacroEntry[] {
  const merged: MacroEntry[] = modelId === null ? [] : [{ name: 'MODEL_ID', value: modelId, path: [], scope: 'builtin' }];
  merged.push(...globals);
  for (const entry of own) {
    const at = merged.findIndex((existing) => existing.name === entry.name);
    if (at === -1) merged.push(entry);
    else merged[at] = entry;
  }
  return merged;
}

/** Reports self references, references to later macros and unknown ones, for one scope. */
export function checkMacroRefs(list: readonly MacroEntry[], scope: 'global' | 'model', issues: IssueCollector): void {
  list.forEach((entry, index) => {
    if (entry.scope !== scope || typeof entry.value !== 'string') return;
    for (const ref of getMacroRefs(entry.value)) {
      const token = `\${${ref}}`;
      const at = list.findIndex((other) => other.name === ref);
      if (RUNTIME_MACRO_NAMES.includes(ref) || (ref === 'MODEL_ID' && scope === 'global')) continue;
      if (ref === entry.name) {
        issues.error(entry.path, `macro "${entry.name}" refers to itself`, { token });
      } else if (at === -1) {
        const names = list.map((other) => other.name);
        issues.error(entry.path, `macro "${entry.name}" uses unknown macro ${token}${didYouMean(ref, names)}`, { token });
      } else if (at > index) {
        issues.error(entry.path, `macro "${entry.name}" uses ${token}, which is declared after it`, { token });
      }
    }
  });
}
