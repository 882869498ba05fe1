// `swapgate validate [--config FILE] [--config-dir DIR] [--strict]`: load the config as the
// daemon would, print every warning and error as file:line:col, then one summary line. Exit 0
// when it loads; 1 when it does not, or with --strict when any key is unknown or is a llama-swap
// setting swapgate accepts and ignores (without --strict those stay warnings).
import { formatConfigIssue, type ConfigIssue } from '../config/config-issue.js';
import type { Config } from '../config/types.js';
import { resolveConfigSource, type ConfigChoice } from './resolve-config.js';

export interface ValidateCommand extends ConfigChoice {
  readonly strict: boolean;
}

export interface ValidateIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly nodePath: string;
  readonly writeStdout: (text: string) => void;
  readonly writeStderr: (text: string) => void;
}

/** "1 model", "2 models", "1 policy", "0 policies". */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** "5 models, 3 groups, 1 peer, 1 policy": groups the config names (not the implicit one of ungrouped models). */
export function describeConfigCounts(config: Config): string {
  const groups = config.groups.filter((group) => !group.implicit).length;
  return [
    countOf(config.models.length, 'model'),
    countOf(groups, 'group'),
    countOf(config.peers.length, 'peer'),
    countOf(config.policies.length, 'policy', 'policies'),
  ].join(', ');
}

export function isStrictFailure(issue: ConfigIssue): boolean {
  return issue.code === 'unknown_key' || issue.code === 'ignored_key';
}

export async function runValidate(command: ValidateCommand, io: ValidateIo): Promise<number> {
  const source = resolveConfigSource(command, io.cwd, io.env, io.nodePath);
  const result = await source.load();
  for (const warning of result.warnings) io.writeStderr(`warning: ${formatConfigIssue(warning)}\n`);
  const name = source.path === null && source.dir === null ? 'embedded demo config' : source.label;
  if (!result.ok) {
    for (const error of result.errors) io.writeStderr(`${formatConfigIssue(error)}\n`);
    io.writeStderr(`${name}: ${countOf(result.errors.length, 'error')}\n`);
    return 1;
  }
  const strictFailures = command.strict ? result.warnings.filter(isStrictFailure).length : 0;
  if (strictFailures > 0) {
    io.writeStderr(`${name}: ${countOf(strictFailures, 'key')} unknown or accepted but ignored (--strict)\n`);
    return 1;
  }
  io.writeStdout(`${name}: valid — ${describeConfigCounts(result.config)}\n`);
  return 0;
}
