// The audit file outlives a config reload: a reloaded generation that names the same path keeps
// writing through the same AuditLog (two writers would fork the hash chain). The last owner to
// release it flushes and closes the file.
import type { AuditConfig } from '../config/types.js';
import { openAuditLog, type AuditLog } from './audit-log.js';
import type { Logger } from '../shared/logger.js';

export interface SharedAuditLog {
  readonly log: AuditLog;
  /** What it was opened with (a reload that changes anything but the path waits for a restart). */
  readonly config: AuditConfig;
  /** One more owner; each owner releases once. */
  retain(): SharedAuditLog;
  /** Flushes and closes the file when the last owner lets go; never rejects (failures are logged). */
  release(): Promise<void>;
}

export async function openSharedAuditLog(config: AuditConfig, logger: Logger): Promise<SharedAuditLog> {
  const { log, warnings } = await openAuditLog({
    config,
    onError: (error) => logger.error({ err: error.cause ?? error, code: error.code, path: config.path }, error.message),
  });
  for (const warning of warnings) {
    logger.warn(
      { code: warning.code, path: config.path, skipped_lines: warning.skippedLines, skipped_bytes: warning.skippedBytes, offset: warning.offset, moved_to: warning.movedTo },
      warning.message,
    );
  }
  let owners = 1;
  const shared: SharedAuditLog = {
    log,
    config,
    retain() {
      owners += 1;
      return shared;
    },
    async release() {
      owners -= 1;
      if (owners !== 0) return;
      try {
        await log.close();
      } catch (error) {
        logger.error({ err: error, path: config.path }, 'closing the audit log failed');
      }
    },
  };
  return shared;
}

/** Reuses the previous generation's log when the path is unchanged, else opens the configured one. */
export async function acquireAuditLog(
  config: AuditConfig,
  previous: SharedAuditLog | null,
  logger: Logger,
): Promise<SharedAuditLog> {
  if (previous === null || previous.config.path !== config.path) return openSharedAuditLog(config, logger);
  const changed = (Object.keys(config) as (keyof AuditConfig)[]).filter((name) => config[name] !== previous.config[name]);
  if (changed.length > 0) {
    logger.warn({ path: config.path, changed }, 'audit settings changed on reload; they take effect when swapgate restarts');
  }
  return previous.retain();
}
