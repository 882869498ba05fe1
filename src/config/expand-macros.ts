// Substitutes macros into a model's (or peer's, or API key's) values. A reference written in the
// value itself must exist; one inside a macro's value was already checked where it was declared.
import type { KeyPath } from './config-issue.js';
import { didYouMean } from './did-you-mean.js';
import { isRecord } from './is-record.js';
import type { IssueCollector } from './issue-collector.js';
import { RUNTIME_MACRO_NAMES, type MacroEntry } from './macro-list.js';
import type { MacroValue } from './raw-config.js';

/** keep: a placeholder the process layer fills; warn: kept as text with a warning; error: not allowed here. */
export type PlaceholderRule = 'keep' | 'warn' | 'error';

export interface FieldRules {
  readonly PORT: PlaceholderRule;
  readonly PID: PlaceholderRule;
}

export const START_FIELD: FieldRules = { PORT: 'keep', PID: 'error' };
export const STOP_FIELD: FieldRules = { PORT: 'keep', PID: 'keep' };
/** name, description, metadata: llama-swap knows the port at load time, swapgate does not. */
export const INFO_FIELD: FieldRules = { PORT: 'warn', PID: 'error' };
export const PLAIN_FIELD: FieldRules = { PORT: 'error', PID: 'error' };

const REF = /\$\{([a-zA-Z0-9_-]+)\}/g;
const WHOLE_REF = /^\$\{([a-zA-Z0-9_-]+)\}$/;

export class MacroExpander {
  constructor(
    private readonly list: readonly MacroEntry[],
    private readonly issues: IssueCollector,
  ) {}

  text(value: string, path: KeyPath, rules: FieldRules): string {
    const out = value.replace(REF, (token, name: string) => this.replaceRef(token, name, path));
    this.checkPlaceholders(out, path, rules);
    return out;
  }

  /** Strings anywhere inside lists and maps; a string that is exactly ${m} keeps m's type. */
  deep(value: unknown, path: KeyPath, rules: FieldRules): unknown {
    if (typeof value === 'string') {
      const whole = WHOLE_REF.exec(value)?.[1];
      const at = whole === undefined ? -1 : this.indexOf(whole);
      return at === -1 ? this.text(value, path, rules) : this.resolve(at);
    }
    if (Array.isArray(value)) return value.map((item: unknown, i) => this.deep(item, [...path, i], rules));
    if (isRecord(value)) return this.map(value, path, rules);
    return value;
  }

  /** deep() over a map's values (keys are left as written). */
  map(value: Readonly<Record<string, unknown>>, path: KeyPath, rules: FieldRules): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.deep(item, [...path, key], rules);
    return out;
  }

  private replaceRef(token: string, name: string, path: KeyPath): string {
    if (RUNTIME_MACRO_NAMES.includes(name)) return token;
    const at = this.indexOf(name);
    if (at !== -1) return String(this.resolve(at));
    const hint =
      name === 'MODEL_ID'
        ? `\${MODEL_ID} is only available inside a model`
        : `unknown macro ${token}${didYouMean(name, this.list.map((entry) => entry.name))}`;
    this.issues.error(path, hint, { token });
    return token;
  }

  // A macro sees only the macros before it, so this always terminates.
  private resolve(index: number): MacroValue {
    const value = this.list[index]?.value ?? '';
    if (typeof value !== 'string') return value;
    const whole = WHOLE_REF.exec(value)?.[1];
    const wholeAt = whole === undefined ? -1 : this.indexOf(whole);
    if (wholeAt !== -1 && wholeAt < index) return this.resolve(wholeAt);
    return value.replace(REF, (token, name: string) => {
      const at = this.indexOf(name);
      return at !== -1 && at < index ? String(this.resolve(at)) : token;
    });
  }

  private indexOf(name: string): number {
    return this.list.findIndex((entry) => entry.name === name);
  }

  private checkPlaceholders(text: string, path: KeyPath, rules: FieldRules): void {
    for (const name of RUNTIME_MACRO_NAMES) {
      const token = `\${${name}}`;
      const rule = name === 'PORT' ? rules.PORT : rules.PID;
      if (rule === 'keep' || !text.includes(token)) continue;
      if (rule === 'warn') {
        this.issues.warn(path, `${token} is not known when the config loads (a port is picked at each start); kept as text`, { token });
      } else {
        const where = name === 'PORT' ? 'cmd, cmdStop, proxy and checkEndpoint' : 'cmdStop';
        this.issues.error(path, `${token} is only available in ${where}`, { token });
      }
    }
  }
}
