// The one interface through which everything that observes or changes a request plugs in:
// keys, rate limits, policies, the cache, usage metering, the audit log and the request log
// line are each a PipelineHook, registered in one list. A hook gets readonly facts and returns
// its result; the pipeline alone records what the hooks decided.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { ApiKeyConfig } from '../config/types.js';
import type { SwapgateError } from '../shared/errors.js';
import type { PolicyDecision } from '../shared/policy-decision.js';
import type { Target } from './model-resolver.js';

// Part of the contract: a model call names its target.
export type { Target };

export type JsonObject = Record<string, unknown>;

/** Who may call a route, declared next to its path. */
export type RouteAuth = 'public' | 'key' | 'admin';

/** A management action the audit log records as such. */
export type AdminAction = 'load' | 'unload' | 'unload_all';

export interface RouteRule {
  readonly auth: RouteAuth;
  readonly admin: AdminAction | null;
}

/** The authenticated caller (only its name is ever written anywhere). */
export type Caller = ApiKeyConfig;

/** Facts about a request that never change once it arrived. */
export interface RequestFacts {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** Path plus query exactly as the client sent it. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly clientIp: string | null;
}

/** What a hook learned that the finished record should carry (audit, log, metrics). */
export type Note =
  | { readonly kind: 'policy'; readonly decisions: readonly PolicyDecision[] }
  | { readonly kind: 'cache'; readonly result: 'hit' | 'miss' }
  | TokensNote;

/**
 * The upstream's own figures for an answer (its usage object, llama-server's timings, which win).
 * An optional field is absent when the upstream did not say: never guessed.
 */
export interface TokensNote {
  readonly kind: 'tokens';
  readonly prompt: number | null;
  readonly completion: number | null;
  /** Prompt tokens served from the upstream's cache. */
  readonly cached?: number;
  readonly promptPerSecond?: number;
  readonly generationPerSecond?: number;
  /** The pipeline clock (FinishedRecord.startedAt's) when the first generated text passed; streams only. */
  readonly firstTokenAt?: number;
}

/** Which body reader admitted a model request. */
export type BodyKind = 'json' | 'multipart' | 'query' | 'passthrough';

/** A model request at admission: the body is what earlier hooks made of it. */
export interface ModelCall {
  readonly facts: RequestFacts;
  readonly caller: Caller | null;
  readonly target: Target;
  readonly kind: BodyKind;
  /** JSON routes only. */
  readonly body: JsonObject | null;
}

export interface CallerCall {
  readonly facts: RequestFacts;
  readonly route: RouteRule;
  /** Set by an earlier hook (the api-key hook runs first). */
  readonly caller: Caller | null;
}

export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface ResponseHead {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
}

/** Synchronous, like the stream governor: bytes in, bytes out. */
export interface ResponseTransform {
  /** The head waits for end() (a JSON answer inspected or cached as a whole). */
  readonly holdsHead: boolean;
  /** The output's length may differ from the input's (the head loses Content-Length). */
  readonly changesLength: boolean;
  /** Bytes to send on now (possibly none, or the very chunk given). */
  push(chunk: Buffer): Buffer | readonly Buffer[];
  /** Set once the transform ended the stream itself (a block, a truncation): read no more. */
  readonly finished: boolean;
  /** The upstream ended: the last bytes, or an error to answer instead (only while the head is held). */
  end(): TransformEnd;
  /** The exchange ended early (client gone, upstream broke off): what was seen so far. */
  abort(): readonly Note[];
}

export interface TransformEnd {
  readonly chunks: readonly Buffer[];
  readonly error: SwapgateError | null;
  readonly notes: readonly Note[];
  /** The error is a policy refusal: its audit record is on disk before the client hears of it. */
  readonly flush: boolean;
}

/** A transform chosen once the response head is known; null: not interested in this response. */
export type ResponseWrapper = (head: ResponseHead) => ResponseTransform | null;

interface DecisionBase {
  /** Who is calling, once a hook knows (a refused admin call still names its key). */
  readonly caller?: Caller;
  readonly notes?: readonly Note[];
  /** Headers every response of this request carries (rate limits, cache status). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type Decision =
  | (DecisionBase & {
      readonly kind: 'pass';
      /** The body to forward instead (JSON routes). */
      readonly body?: JsonObject;
      readonly wrap?: ResponseWrapper;
      /** The response is read as it passes: ask the upstream not to compress it. */
      readonly unencoded?: boolean;
    })
  | (DecisionBase & { readonly kind: 'answer'; readonly response: StoredResponse })
  | (DecisionBase & { readonly kind: 'refuse'; readonly error: SwapgateError; readonly flush?: boolean });

export const PASS: Decision = Object.freeze({ kind: 'pass' });

/** Shared empties: a hook with nothing to add allocates nothing. */
export const NO_NOTES: readonly Note[] = Object.freeze([]);
export const NO_CHUNKS: readonly Buffer[] = Object.freeze([]);
/** A transform's end with nothing left to send and nothing to report. */
export const EMPTY_END: TransformEnd = Object.freeze({ chunks: NO_CHUNKS, error: null, notes: NO_NOTES, flush: false });

/**
 * How a request ended: ok (2xx/3xx, complete), rejected (answered 4xx by swapgate or the
 * upstream), upstream_error (the upstream failed: 5xx, refused, died mid-stream), aborted (the
 * client left first), client_stalled (the client stopped reading and was cut off), cancelled
 * (an admin cancelled it: POST /api/inflight/{id}/cancel).
 */
export type Outcome = 'ok' | 'rejected' | 'upstream_error' | 'aborted' | 'client_stalled' | 'cancelled';

/** One request as it ended: what the request log, the audit log and metrics are made of. */
export interface FinishedRecord {
  readonly facts: RequestFacts;
  readonly route: RouteRule;
  /** The admin action's target (a model id); null for none or "everything". */
  readonly adminTarget: string | null;
  readonly caller: Caller | null;
  /** Resolved model (or peer/model); null when the request named none. */
  readonly model: string | null;
  /** A model route admitted it (audited whatever log_all_access says). */
  readonly inference: boolean;
  /** What the client got; 499 when it left before a head. */
  readonly status: number;
  /** The client left before the response was complete. */
  readonly aborted: boolean;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** The pipeline clock at arrival (durationMs and the notes' clock readings count from it). */
  readonly startedAt: number;
  /** Milliseconds spent getting a ready upstream (a load, a swap, a queue); null when no local model was acquired. */
  readonly loadWaitMs: number | null;
  /** Milliseconds from arrival to the response head; null when swapgate wrote none through the exchange. */
  readonly firstByteMs: number | null;
  /** The response's Content-Type as sent; null when unknown. */
  readonly contentType: string | null;
  /** Response body bytes the client was sent. */
  readonly bytes: number;
  readonly notes: readonly Note[];
  /** Recorded before the answer went out (a policy refusal): make it durable now. */
  readonly flush: boolean;
}

export interface PipelineHook {
  readonly name: string;
  /** Every route that is not public: keys, admin rights, rate limits. */
  admitCaller?(call: CallerCall): Decision;
  /** A model route once its model is known, before anything is started. */
  admitModel?(call: ModelCall): Decision;
  /**
   * Once per request, before the response's final write when it completed (else once it closed).
   * Never throws. A returned promise holds that final write until it settles (the audit log's
   * group commit): keep it one shared object per group, not one per request.
   */
  onFinished?(record: FinishedRecord): void | Promise<void>;
}
