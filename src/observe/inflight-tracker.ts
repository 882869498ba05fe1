// Model requests under way (from admission to their finished record): model, path, start, bytes
// sent so far. Published as llama-swap's "inflight" events (internal/server/inflight.go):
// {operation: snapshot|upsert|remove, requests | request | id}. Bytes are read off the exchange
// when an update is made, never counted per chunk. cancel() ends a request the way a client that
// hangs up does (the upstream request is aborted and the model's slot released), recorded as
// outcome "cancelled".
// Requests are kept in a doubly linked list, each tagged on its exchange: adding and removing
// touch only the requests themselves (a Map keyed per request kept finished exchanges reachable
// from the old generation and tripled the daemon's GC time under load).
import { Exchange } from '../proxy/exchange.js';
import type { ModelCall, RequestFacts } from '../proxy/hooks.js';

export interface InflightEntry {
  readonly id: string;
  readonly timestamp: string;
  readonly model: string;
  readonly src: string;
  readonly req_path: string;
  readonly method: string;
  readonly remote_ip: string;
  readonly resp_bytes: number;
  readonly elapsed_ms: number;
  readonly request_id: string;
  readonly key_name?: string;
}

export type InflightUpdate =
  | { readonly operation: 'snapshot'; readonly requests: readonly InflightEntry[] }
  | { readonly operation: 'upsert'; readonly request: InflightEntry }
  | { readonly operation: 'remove'; readonly id: string };

export interface InflightRequest {
  readonly id: number;
  readonly facts: RequestFacts;
  readonly model: string;
  readonly src: string;
  readonly startedAtMs: number;
  readonly keyName: string | null;
  /** resp_bytes as last published. */
  sentBytes: number;
  prev: InflightRequest | null;
  next: InflightRequest | null;
}

/** Where changes go; nothing is made while nobody listens. */
export interface InflightPublisher {
  readonly listening: boolean;
  publish(update: InflightUpdate): void;
}

const bytesOf = (facts: RequestFacts): number => (facts instanceof Exchange ? facts.bytes : 0);

const TAG = Symbol('swapgate.inflight');
type Tagged = RequestFacts & { [TAG]?: InflightRequest | null };

export class InflightTracker {
  private nextId = 0;
  private count = 0;
  /** The newest request; each links to the one before it. */
  private head: InflightRequest | null = null;

  constructor(
    private readonly publisher: InflightPublisher,
    private readonly wallNow: () => number = Date.now,
  ) {}

  get size(): number {
    return this.count;
  }

  add(call: ModelCall): void {
    const facts: Tagged = call.facts;
    if (facts[TAG] != null) return;
    const { target } = call;
    const request: InflightRequest = {
      id: ++this.nextId,
      facts: call.facts,
      model: target.label,
      src: target.kind === 'peer' ? `peer:${target.peer.id}` : 'local',
      startedAtMs: this.wallNow(),
      keyName: call.caller?.name ?? null,
      sentBytes: 0,
      prev: null,
      next: this.head,
    };
    if (this.head !== null) this.head.prev = request;
    this.head = request;
    this.count += 1;
    facts[TAG] = request;
    if (this.publisher.listening) this.publisher.publish({ operation: 'upsert', request: this.toEntry(request) });
  }

  /** The request finished: no longer in flight. */
  take(facts: RequestFacts): InflightRequest | null {
    const tagged: Tagged = facts;
    const request = tagged[TAG];
    if (request == null) return null;
    tagged[TAG] = null;
    if (request.prev !== null) request.prev.next = request.next;
    else this.head = request.next;
    if (request.next !== null) request.next.prev = request.prev;
    request.prev = null;
    request.next = null;
    this.count -= 1;
    if (this.publisher.listening) this.publisher.publish({ operation: 'remove', id: String(request.id) });
    return request;
  }

  /** False when no such request is in flight. */
  cancel(id: string): boolean {
    const request = this.find((r) => String(r.id) === id);
    if (request === null) return false;
    const { facts } = request;
    if (facts instanceof Exchange && !facts.outgoing.destroyed && !facts.outgoing.writableFinished) {
      facts.outcome ??= 'cancelled';
      facts.outgoing.destroy();
    }
    return true;
  }

  snapshot(): InflightUpdate {
    const requests: InflightEntry[] = [];
    this.find((r) => void requests.push(this.toEntry(r)));
    return { operation: 'snapshot', requests: requests.reverse() };
  }

  /** Requests in flight per model (for the inflight gauge at scrape time). */
  countByModel(): Map<string, number> {
    const counts = new Map<string, number>();
    this.find((r) => void counts.set(r.model, (counts.get(r.model) ?? 0) + 1));
    return counts;
  }

  /** Publishes an upsert for every request that sent bytes since its last one (a periodic tick while someone listens). */
  publishProgress(): void {
    this.find((r) => {
      if (bytesOf(r.facts) !== r.sentBytes) this.publisher.publish({ operation: 'upsert', request: this.toEntry(r) });
    });
  }

  /** The first request (newest first) for which `visit` returns true; null when none does. */
  private find(visit: (request: InflightRequest) => boolean | void): InflightRequest | null {
    for (let r = this.head; r !== null; r = r.next) if (visit(r) === true) return r;
    return null;
  }

  private toEntry(request: InflightRequest): InflightEntry {
    const { facts } = request;
    request.sentBytes = bytesOf(facts);
    const entry: { -readonly [K in keyof InflightEntry]: InflightEntry[K] } = {
      id: String(request.id),
      timestamp: new Date(request.startedAtMs).toISOString(),
      model: request.model,
      src: request.src,
      req_path: facts.path,
      method: facts.method,
      remote_ip: facts.clientIp ?? '',
      resp_bytes: request.sentBytes,
      elapsed_ms: Math.max(0, this.wallNow() - request.startedAtMs),
      request_id: facts.id,
    };
    if (request.keyName !== null) entry.key_name = request.keyName;
    return entry;
  }
}
