// What governance learns about one request while it runs (who, which model, what the policies
// did, cache, tokens), kept beside its RequestState until the audit record is written.
import type { ApiKeyConfig } from '../../config/types.js';
import type { Decision } from '../../policy/types.js';
import type { RequestState } from '../app-env.js';

export interface AuditTokens {
  readonly prompt: number | null;
  readonly completion: number | null;
}

export class GovernedRequest {
  /** The key that authenticated the request (only its name is ever written anywhere). */
  key: ApiKeyConfig | null = null;
  /** A model route admitted it: it is audited whatever log_all_access says. */
  inference = false;
  readonly decisions: Decision[] = [];
  cache: 'hit' | 'miss' | null = null;
  tokens: AuditTokens | null = null;
  /** A policy refused the request or its response: the audit record is flushed at once. */
  blocked = false;
  /** The audit record was written (or deliberately skipped): later finishes do nothing. */
  recorded = false;

  constructor(
    readonly state: RequestState,
    readonly clientIp: string | null,
  ) {}
}

/** The request's governance record, created on first use. */
export function getGovernedRequest(state: RequestState): GovernedRequest {
  const existing = state.governed;
  if (existing instanceof GovernedRequest) return existing;
  const governed = new GovernedRequest(state, state.node?.incoming.socket.remoteAddress ?? null);
  state.governed = governed;
  return governed;
}
