// Sits between the forwarder and the client when a response must be governed, cached or
// metered. Chosen per response head: "govern" runs an SSE stream through the StreamGovernor,
// sending what push() releases at once and cutting the upstream when the governor ends the
// stream; "buffer" holds a JSON answer to inspect (and/or cache) it before its head goes out;
// "tee" only reads usage on the way through; "pass" forwards untouched (errors, other types).
import type { OutgoingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { createPolicyViolationError } from '../../policy/policy-errors.js';
import { pickCacheHeaders, type CachedResponse } from '../../policy/response-cache.js';
import type { ModelContext, PolicyEngine, StreamGovernor } from '../../policy/types.js';
import { createDeferred } from '../../shared/deferred.js';
import type { SwapgateError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { RequestState } from '../app-env.js';
import type { ResponseSink } from '../client-io.js';
import { formatErrorBody, getErrorHeaders } from '../error-response.js';
import { internalError } from '../http-errors.js';
import { brokenOffError, unreadableAnswerError } from './governance-errors.js';
import type { GovernedRequest } from './governed-request.js';
import { logDecisions } from './log-decisions.js';
import { createSseUsageReader } from './sse-usage-reader.js';
import { getUsageTokens, parseJson, readJsonUsage, type UsageReader } from './usage-tokens.js';

export interface SinkPlan {
  readonly request: GovernedRequest;
  readonly logger: Logger;
  /** Set when response rules apply to this request. */
  readonly inspect: { readonly engine: PolicyEngine; readonly model: ModelContext } | null;
  /** Set on a cache miss: a 200 JSON answer is stored under the request's key. */
  readonly store: ((response: CachedResponse) => void) | null;
  /** Read usage for the audit record. */
  readonly meterUsage: boolean;
  /** The client has all it will get: stop reading the upstream and release it. */
  readonly onCut: () => void;
  /** A response was blocked; resolves once its audit record is on disk. */
  readonly onBlocked: () => Promise<void>;
}

type Mode = 'pass' | 'tee' | 'govern' | 'buffer';

/** A JSON answer larger than this is not held: a cache-only request passes it through, inspection fails. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export class GovernedSink extends Writable {
  headersSent = false;
  private readonly head = createDeferred<void>();
  private mode: Mode = 'pass';
  private status = 200;
  private headers: OutgoingHttpHeaders = {};
  private held: Buffer[] = [];
  private heldBytes = 0;
  private governor: StreamGovernor | null = null;
  private usage: UsageReader | null = null;
  private cut = false;
  private governed = false;

  constructor(
    private readonly client: ResponseSink,
    private readonly state: RequestState,
    private readonly plan: SinkPlan,
  ) {
    super();
    client.once('close', () => this.destroy());
  }

  /** Settles once the client has a response head (or never will). */
  get headWritten(): Promise<void> {
    return this.head.promise;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders): this {
    if (this.headersSent) throw new Error('writeHead called twice');
    this.headersSent = true;
    this.status = status;
    this.headers = headers;
    this.mode = this.chooseMode(status, headers);
    if (this.mode !== 'buffer') this.sendHead(status, headers);
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // The forwarder counted the upstream's bytes; the log line reports what the client got.
    this.state.bytes -= chunk.length;
    if (this.cut) return callback();
    this.usage?.push(chunk);
    if (this.mode === 'buffer') return this.hold(chunk, callback);
    if (this.mode !== 'govern' || this.governor === null) return this.send(chunk, callback);
    const out = this.governor.push(chunk);
    const ended = this.governor.state === 'blocked' || this.governor.state === 'truncated';
    if (!ended) return this.send(out, callback);
    this.endClient(out);
    this.plan.onCut();
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.cut) return callback();
    if (this.mode === 'buffer') {
      this.finishBuffered().then(
        () => callback(),
        (error: unknown) => {
          // A bug, not a client or upstream fault: answer 500 rather than leave the client hanging.
          this.state.log.error({ err: error }, 'governing the response failed');
          if (!this.client.headersSent) this.respondError(internalError(error));
          else this.client.destroy();
          callback();
        },
      );
      return;
    }
    const out = this.governor?.end() ?? [];
    this.endClient(out);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const { client } = this;
    this.collectGovernor();
    if (!client.destroyed && !client.writableEnded) {
      // The upstream broke off while a JSON answer was held: nothing was sent yet, so say why.
      if (this.mode === 'buffer' && !client.headersSent) this.respondError(brokenOffError());
      else client.destroy();
    }
    this.head.resolve();
    callback(error);
  }

  private chooseMode(status: number, headers: OutgoingHttpHeaders): Mode {
    const { plan } = this;
    if (status < 200 || status >= 300) return 'pass';
    const type = String(headers['content-type'] ?? '');
    const encoded = headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity';
    if (plan.inspect !== null && encoded) return 'buffer'; // refused in finishBuffered: unreadable
    if (type.startsWith('text/event-stream')) {
      if (plan.meterUsage) this.usage = createSseUsageReader();
      this.governor = plan.inspect === null ? null : plan.inspect.engine.createStreamGovernor(plan.inspect.model);
      if (this.governor === null) return this.usage === null ? 'pass' : 'tee';
      // Redaction changes the length; SSE is normally chunked anyway.
      delete headers['content-length'];
      return 'govern';
    }
    // A sink exists only to inspect or cache (usage alone is read by an observer): hold it.
    return type.includes('json') ? 'buffer' : 'pass';
  }

  private hold(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.heldBytes += chunk.length;
    if (this.heldBytes <= MAX_BUFFERED_BYTES) {
      this.held.push(chunk);
      return callback();
    }
    const held = this.held;
    this.held = [];
    if (this.plan.inspect !== null) {
      this.cut = true;
      this.respondError(unreadableAnswerError(`the response is larger than ${MAX_BUFFERED_BYTES} bytes`));
      this.plan.onCut();
      return callback();
    }
    // Only caching wanted it: too big to cache, so it simply passes through.
    this.mode = 'pass';
    this.sendHead(this.status, this.headers);
    this.send([...held, chunk], callback);
  }

  private async finishBuffered(): Promise<void> {
    const { plan } = this;
    const { request } = plan;
    const raw = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    const headers = this.headers;
    let body = raw;
    let parsed: unknown;
    if (plan.inspect !== null) {
      const encoding = headers['content-encoding'];
      if (encoding !== undefined && encoding !== 'identity') return this.respondError(unreadableAnswerError(`it is encoded (${String(encoding)})`));
      parsed = parseJson(raw);
      if (parsed === undefined) return this.respondError(unreadableAnswerError('it is not valid JSON'));
      const verdict = plan.inspect.engine.inspectResponseJson(plan.inspect.model, parsed);
      request.decisions.push(...verdict.decisions);
      logDecisions(plan.logger, this.state, verdict.decisions, verdict.blocked);
      if (verdict.blocked !== null) {
        request.blocked = true;
        await plan.onBlocked();
        return this.respondError(createPolicyViolationError(verdict.blocked));
      }
      if (verdict.body !== parsed) {
        parsed = verdict.body;
        body = Buffer.from(JSON.stringify(parsed));
      }
    }
    if (plan.meterUsage) request.tokens = parsed === undefined ? readJsonUsage(raw) : getUsageTokens(parsed);
    if (plan.store !== null && this.status === 200) plan.store({ status: this.status, headers: pickCacheHeaders(toEntries(headers)), body });
    headers['content-length'] = body.length;
    this.sendHead(this.status, headers);
    this.endClient([body]);
  }

  private sendHead(status: number, headers: OutgoingHttpHeaders): void {
    this.client.writeHead(status, headers);
    this.head.resolve();
  }

  private send(data: Buffer | readonly Buffer[], callback: (error?: Error | null) => void): void {
    const chunk = Buffer.isBuffer(data) ? data : data.length === 1 ? (data[0] as Buffer) : Buffer.concat(data);
    if (chunk.length === 0) return callback();
    this.state.bytes += chunk.length;
    if (this.client.write(chunk)) return callback();
    this.client.once('drain', () => callback());
  }

  /** Last bytes, then the end of the client's response (usage and decisions are final now). */
  private endClient(out: readonly Buffer[]): void {
    this.cut = true;
    this.collectGovernor();
    if (this.usage !== null) this.plan.request.tokens = this.usage.read();
    const chunk = out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
    this.state.bytes += chunk.length;
    if (chunk.length > 0) this.client.end(chunk);
    else this.client.end();
  }

  private collectGovernor(): void {
    const governor = this.governor;
    if (governor === null || this.governed) return;
    this.governed = true;
    const decisions = governor.decisions();
    this.plan.request.decisions.push(...decisions);
    if (governor.state === 'blocked') this.plan.request.blocked = true;
    logDecisions(this.plan.logger, this.state, decisions, governor.blocked);
  }

  private respondError(error: SwapgateError): void {
    this.cut = true;
    const body = formatErrorBody(error);
    const headers: OutgoingHttpHeaders = { ...this.state.responseHeaders, ...getErrorHeaders(error), 'content-length': Buffer.byteLength(body) };
    this.sendHead(error.status, headers);
    this.state.bytes += Buffer.byteLength(body);
    this.client.end(body);
  }
}

function toEntries(headers: OutgoingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : []));
}
