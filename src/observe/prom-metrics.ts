// swapgate's Prometheus metrics (prom-client, its own registry). A request costs a few counter
// increments and histogram observations on label children cached per model; everything that is
// a state rather than an event (in flight, queues, model states, audit records) is read from its
// owner when scraped. Default process metrics start with the first scrape.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PROCESS_TRANSITIONS, type ProcessState } from '../process/types.js';
import type { FinishedRecord, TokensNote } from '../proxy/hooks.js';
import type { ModelStatus } from '../supervisor/types.js';
import { getTtftMs } from './activity-entry.js';

/** What the scrape-time gauges read: the generation currently attached. */
export interface MetricSources {
  statuses(): readonly ModelStatus[];
  inflightByModel(): ReadonlyMap<string, number>;
}

type RequestCounter = ReturnType<Counter<'model' | 'route' | 'status'>['labels']>;

interface ModelChildren {
  /** By route, then status. */
  readonly requests: Map<string, Map<number, RequestCounter>>;
  readonly duration: ReturnType<Histogram<'model'>['labels']>;
  readonly ttft: ReturnType<Histogram<'model'>['labels']>;
  readonly genSpeed: ReturnType<Histogram<'model'>['labels']>;
  readonly prompt: ReturnType<Counter<'model' | 'kind'>['labels']>;
  readonly completion: ReturnType<Counter<'model' | 'kind'>['labels']>;
  readonly cached: ReturnType<Counter<'model' | 'kind'>['labels']>;
}

const STATES = Object.keys(PROCESS_TRANSITIONS) as ProcessState[];

/** /upstream/<model>/<anything> is one route, so clients cannot mint label values. */
function getRouteLabel(path: string): string {
  return path.startsWith('/upstream/') ? '/upstream/*' : path;
}

export class PromMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | null = null;
  private auditRecords: (() => number) | null = null;
  private defaultsStarted = false;
  private readonly children = new Map<string, ModelChildren>();
  private readonly requests: Counter<'model' | 'route' | 'status'>;
  private readonly duration: Histogram<'model'>;
  private readonly ttft: Histogram<'model'>;
  private readonly tokens: Counter<'model' | 'kind'>;
  private readonly genSpeed: Histogram<'model'>;
  private readonly starts: Counter<'model' | 'result'>;
  private readonly loadSeconds: Histogram<'model'>;
  private readonly swaps: Counter;
  private readonly policy: Counter<'policy' | 'action'>;

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'swapgate_requests_total', help: 'Model requests finished, by model, route and HTTP status', labelNames: ['model', 'route', 'status'], registers });
    this.duration = new Histogram({ name: 'swapgate_request_duration_seconds', help: 'Model request duration, arrival to last byte', labelNames: ['model'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers });
    this.ttft = new Histogram({ name: 'swapgate_time_to_first_token_seconds', help: 'Streams: arrival to the first generated text (load waits included)', labelNames: ['model'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120], registers });
    this.tokens = new Counter({ name: 'swapgate_tokens_total', help: 'Tokens as the upstream reported them (kind: prompt, completion, cached)', labelNames: ['model', 'kind'], registers });
    this.genSpeed = new Histogram({ name: 'swapgate_generation_tokens_per_second', help: 'Generation speed as the upstream reported it (llama-server timings)', labelNames: ['model'], buckets: [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000], registers });
    this.starts = new Counter({ name: 'swapgate_model_starts_total', help: 'Model starts by result (ok, failed, cancelled)', labelNames: ['model', 'result'], registers });
    this.loadSeconds = new Histogram({ name: 'swapgate_model_load_seconds', help: 'Model start to ready', labelNames: ['model'], buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300], registers });
    this.swaps = new Counter({ name: 'swapgate_swaps_total', help: 'Models stopped to make room for another (one per model swapped out)', registers });
    this.policy = new Counter({ name: 'swapgate_policy_decisions_total', help: 'Policy rule decisions by policy and action taken', labelNames: ['policy', 'action'], registers });
    const metrics = this;
    new Gauge({
      name: 'swapgate_inflight_requests',
      help: 'Model requests under way',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        const sources = metrics.sources;
        if (sources === null) return;
        for (const status of sources.statuses()) this.set({ model: status.id }, 0);
        for (const [model, count] of sources.inflightByModel()) this.set({ model }, count);
      },
    });
    new Gauge({
      name: 'swapgate_queue_depth',
      help: 'Requests waiting for a model (its load, a swap, its concurrency limit)',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const status of metrics.sources?.statuses() ?? []) this.set({ model: status.id }, status.queued);
      },
    });
    new Gauge({
      name: 'swapgate_model_state',
      help: 'The current process state of each model (1 for the current one)',
      labelNames: ['model', 'state'],
      registers,
      collect() {
        this.reset();
        for (const status of metrics.sources?.statuses() ?? []) {
          for (const state of STATES) this.set({ model: status.id, state }, status.state === state ? 1 : 0);
        }
      },
    });
  }

  /** The generation whose state the gauges read (a config reload binds the new one). */
  bind(sources: MetricSources | null): void {
    this.sources = sources;
  }

  /** Exposes swapgate_audit_records_total, read from the audit log when scraped. */
  countAuditRecords(read: () => number): void {
    if (this.auditRecords === null) {
      const metrics = this;
      new Counter({
        name: 'swapgate_audit_records_total',
        help: 'Audit records written',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(metrics.auditRecords?.() ?? 0);
        },
      });
    }
    this.auditRecords = read;
  }

  recordRequest(record: FinishedRecord, model: string, note: TokensNote | null): void {
    const children = this.childrenOf(model);
    const route = getRouteLabel(record.facts.path);
    let byStatus = children.requests.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      children.requests.set(route, byStatus);
    }
    let counter = byStatus.get(record.status);
    if (counter === undefined) {
      counter = this.requests.labels(model, route, String(record.status));
      byStatus.set(record.status, counter);
    }
    counter.inc();
    children.duration.observe(record.durationMs / 1000);
    if (note !== null) {
      const ttftMs = getTtftMs(record, note);
      if (!Number.isNaN(ttftMs)) children.ttft.observe(ttftMs / 1000);
      if (note.prompt !== null) children.prompt.inc(note.prompt);
      if (note.completion !== null) children.completion.inc(note.completion);
      if (note.cached !== undefined) children.cached.inc(note.cached);
      if (note.generationPerSecond !== undefined) children.genSpeed.observe(note.generationPerSecond);
    }
    for (const note of record.notes) {
      if (note.kind === 'policy') for (const decision of note.decisions) this.policy.labels(decision.policyId, decision.action).inc();
    }
  }

  recordStart(model: string, result: 'ok' | 'failed' | 'cancelled', loadSeconds: number | null): void {
    this.starts.labels(model, result).inc();
    if (loadSeconds !== null) this.loadSeconds.labels(model).observe(loadSeconds);
  }

  recordSwap(): void {
    this.swaps.inc();
  }

  /** Names this registry exposes (an upstream's metric by the same name is left out). */
  names(): Set<string> {
    return new Set(this.registry.getMetricsAsArray().map((m) => m.name));
  }

  async render(): Promise<string> {
    if (!this.defaultsStarted) {
      this.defaultsStarted = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this.registry.metrics();
  }

  private childrenOf(model: string): ModelChildren {
    let children = this.children.get(model);
    if (children === undefined) {
      children = {
        requests: new Map(),
        duration: this.duration.labels(model),
        ttft: this.ttft.labels(model),
        genSpeed: this.genSpeed.labels(model),
        prompt: this.tokens.labels(model, 'prompt'),
        completion: this.tokens.labels(model, 'completion'),
        cached: this.tokens.labels(model, 'cached'),
      };
      this.children.set(model, children);
    }
    return children;
  }
}
