// Turns a finished request into its audit record. Inference requests are always recorded; with
// log_all_access also every other route, auth failures and refusals. Records are batched by
// the audit log; a blocked request's record is flushed (and awaited) before its 400 goes out.
// Audit failures are logged and never reach the request.
import type { AuditEntry } from '../../policy/audit-record.js';
import type { Logger } from '../../shared/logger.js';
import { getAdminAction } from './admin-routes.js';
import type { GovernedRequest } from './governed-request.js';
import type { SharedAuditLog } from './shared-audit-log.js';

export interface AuditRecorder {
  /** Records the request once (later calls do nothing); resolves when the write is done. */
  finish(request: GovernedRequest, status: number): Promise<void>;
  /** An action taken outside any request (config reload). */
  recordAdmin(action: string, target: string | null): void;
  readonly shared: SharedAuditLog;
}

export interface AuditRecorderOptions {
  readonly shared: SharedAuditLog;
  readonly logger: Logger;
  /** The request clock (same as RequestState.startedAt). */
  readonly now: () => number;
}

type Event = NonNullable<AuditEntry['event']>;

const DONE = Promise.resolve();

function classify(request: GovernedRequest, status: number, logAllAccess: boolean): Event | null {
  const { state } = request;
  if (status === 401) return logAllAccess ? 'auth_failure' : null;
  if (!request.inference && (status === 403 || status === 413 || status === 429)) return logAllAccess ? 'rejected' : null;
  if (status < 400 && getAdminAction(state.method, state.path) !== null) return 'admin';
  if (request.inference) return 'request';
  return logAllAccess ? 'request' : null;
}

export function createAuditRecorder(options: AuditRecorderOptions): AuditRecorder {
  const { shared, logger, now } = options;
  const { log, config } = shared;

  // Only a flushed record is waited for; a failed batched write reaches the log's onError.
  const write = (entry: AuditEntry, flush: boolean, reqId: string | null): Promise<void> => {
    if (!flush) {
      log.append(entry);
      return DONE;
    }
    return log.record(entry, { flush }).catch((error: unknown) => {
      logger.warn({ err: error, reqId, event: entry.event }, 'audit record dropped');
    });
  };

  return {
    shared,
    finish(request, status) {
      if (request.recorded) return Promise.resolve();
      request.recorded = true;
      const event = classify(request, status, config.logAllAccess);
      if (event === null) return Promise.resolve();
      const { state } = request;
      const admin = event === 'admin' ? getAdminAction(state.method, state.path) : null;
      const entry: AuditEntry = {
        event,
        requestId: state.id,
        keyName: request.key?.name ?? null,
        clientIp: request.clientIp,
        model: state.model,
        route: state.path,
        method: state.method,
        status,
        durationMs: Math.round((now() - state.startedAt) * 1000) / 1000,
        tokens: request.tokens,
        policy: request.decisions,
        cache: request.cache,
        admin: admin === null ? null : { action: admin.action, target: state.model ?? admin.target },
      };
      return write(entry, request.blocked, state.id);
    },
    recordAdmin(action, target) {
      void write({ event: 'admin', admin: { action, target } }, false, null);
    },
  };
}
