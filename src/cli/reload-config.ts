// One config reload: read and validate the file (and the config dir's files, listed afresh),
// build the next generation (keys, policies, routes), reconfigure the one supervisor (unchanged
// models keep running), serve new requests with the new generation and retire the old one. An
// invalid config is logged with every file:line:col error and changes nothing.
import { formatConfigIssue } from '../config/config-issue.js';
import type { LoadResult } from '../config/load-config-text.js';
import { isSwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { ReloadableSupervisor, ReloadSummary } from '../supervisor/types.js';
import { buildGeneration, type Generation, type GenerationDeps } from './build-generation.js';
import type { ConfigSource } from './resolve-config.js';

export interface ReloadDeps extends GenerationDeps {
  readonly source: ConfigSource;
  readonly supervisor: ReloadableSupervisor;
  readonly logger: Logger;
  current(): Generation;
  /** Serves new requests with `next` and retires the current generation. */
  install(next: Generation): void;
  /** True once shutdown began: a reload then changes nothing. */
  isClosing(): boolean;
}

/** "config reloaded: kept a, b; restarted c; added d; removed e" (empty parts left out). */
export function describeReload(summary: ReloadSummary): string {
  const parts = (['kept', 'restarted', 'added', 'removed'] as const)
    .filter((kind) => summary[kind].length > 0)
    .map((kind) => `${kind} ${summary[kind].join(', ')}`);
  return `config reloaded: ${parts.length === 0 ? 'no models' : parts.join('; ')}`;
}

async function load(source: ConfigSource, logger: Logger): Promise<LoadResult | null> {
  try {
    return await source.load();
  } catch (error) {
    logger.error({ err: error, config: source.label }, 'config reload failed: cannot read the config; keeping the running config');
    return null;
  }
}

/** Never rejects: every failure is logged and leaves the running config serving. */
export async function reloadConfig(deps: ReloadDeps, trigger: string): Promise<void> {
  const { source, logger, supervisor } = deps;
  const config = source.label;
  const result = await load(source, logger);
  if (result === null || deps.isClosing()) return;
  for (const warning of result.warnings) logger.warn(formatConfigIssue(warning));
  if (!result.ok) {
    const errors = result.errors.map(formatConfigIssue);
    logger.error({ trigger, config, errors }, `config reload failed; keeping the running config:\n${errors.join('\n')}`);
    return;
  }
  const previous = deps.current().config;
  const fixed = (['logLevel', 'logToStdout', 'logFormat', 'logTimeFormat'] as const).filter((key) => previous[key] !== result.config[key]);
  if (fixed.length > 0) logger.warn({ changed: fixed }, `config reload: ${fixed.join(', ')} take effect when swapgate restarts`);
  let next: Generation;
  try {
    next = await buildGeneration(result.config, deps, deps.current());
  } catch (error) {
    logger.error({ err: error, trigger, config }, 'config reload failed; keeping the running config');
    return;
  }
  if (deps.isClosing()) return void next.close();
  // Its first step is synchronous (added models exist, replaced ones take no new requests), so
  // the new routes and keys serve at once, while changed models drain.
  const reconfigured = supervisor.reconfigure(result.config);
  deps.install(next);
  let summary: ReloadSummary;
  try {
    summary = await reconfigured;
  } catch (error) {
    if (isSwapgateError(error) && error.code === 'shutting_down') return;
    logger.error({ err: error, trigger, config }, 'config reload: reconfiguring the models failed');
    return;
  }
  next.governance.recordAdmin('config_reload', source.path === null && source.dir === null ? null : source.label);
  logger.info({ event: 'config.reloaded', trigger, config, ...summary }, describeReload(summary));
}
