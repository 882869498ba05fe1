// What one forward needs: where to send, what, and how to report and release afterwards.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { SwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Lease } from '../supervisor/types.js';
import type { BodyDeadline } from './body-deadline.js';
import type { ResponseWrapper } from './hooks.js';
import type { UpstreamEndpoint } from './upstream-pool.js';

/** A body still arriving from the client (multipart, passthrough). */
export interface StreamedBody {
  /** Bytes already read from the client; sent first. */
  readonly head: Buffer | null;
  /** The rest of the client's body, or null when it has ended. */
  readonly rest: Readable | null;
  /** Bytes already counted against the limit. */
  readonly received: number;
  readonly limitBytes: number;
  /** requestBodyTimeout, running while the rest is piped (a multipart scan may have used some). */
  readonly deadline: BodyDeadline;
}

/** The client already has a 200 event-stream head (loading state): only the body follows. */
export interface StreamContinuation {
  fail(error: SwapgateError): void;
}

export interface ForwardSpec {
  readonly endpoint: UpstreamEndpoint;
  /** Path and query, appended to the endpoint's base path. */
  readonly path: string;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | StreamedBody | null;
  /** For error messages: the model id or peer/model. */
  readonly label: string;
  /** 0 = no idle timeout. */
  readonly timeoutMs: number;
  /** clientStallTimeout: a client whose socket stays full this long is disconnected; 0 = never. */
  readonly stallTimeoutMs: number;
  /** The model's last log lines, quoted in a 502. */
  readonly logTail: () => readonly string[];
  /** The lease: released exactly once when the exchange is over; a revoke ends the exchange. */
  readonly release: Pick<Lease, 'release' | 'onRevoke'> | null;
  readonly continuation: StreamContinuation | null;
  /** What the hooks want to see of (or do to) the response; null: bytes pipe straight through. */
  readonly wrappers: readonly ResponseWrapper[] | null;
  /** For a response cut short after its head. */
  readonly log: Logger;
}
