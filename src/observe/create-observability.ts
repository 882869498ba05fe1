// Everything swapgate tells about what it does: the activity store, requests in flight, the
// /api/events streams, the Prometheus registry and the performance probe. One instance outlives
// config reloads (the daemon makes it once and hands it to every generation's app); each
// generation attach()es its config and supervisor and gets the pipeline hook that feeds it.
import type { Config } from '../config/types.js';
import type { StateChange } from '../process/types.js';
import { PASS, type PipelineHook } from '../proxy/hooks.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/types.js';
import { findTokens } from './activity-entry.js';
import { getActivityStats, type ActivityStats } from './activity-stats.js';
import { ActivityStore } from './activity-store.js';
import { EventStreams, formatEventFrame, type SseSink } from './event-streams.js';
import type { GpuProbe } from './gpu-stats.js';
import { InflightTracker } from './inflight-tracker.js';
import { ModelLifecycle } from './model-lifecycle.js';
import { listModelStatus, type ApiModel } from './model-status.js';
import { PerformanceProbe } from './performance-probe.js';
import { PromMetrics } from './prom-metrics.js';
import { UpstreamMetrics } from './upstream-metrics.js';

export interface ObservabilityOptions {
  readonly hub: LogHub;
  readonly logger: Logger;
  /** Activity rows kept until the first attach sets config.metricsMaxInMemory (default 1000). */
  readonly maxInMemory?: number;
  /** An /api/events client with more unsent bytes than this is dropped (default 4 MiB). */
  readonly eventsMaxBufferedBytes?: number;
  /** How often byte progress of requests in flight is published while someone listens (default 1000 ms). */
  readonly inflightUpdateMs?: number;
  /** Per-upstream timeout of the /metrics fetches made when /metrics is scraped (default 1000 ms). */
  readonly upstreamMetricsTimeoutMs?: number;
  readonly gpu?: GpuProbe;
  /** Wall clock (epoch ms) for timestamps. */
  readonly wallNow?: () => number;
}

export interface ObservedGeneration {
  readonly config: Config;
  readonly supervisor: Supervisor;
}

export interface Attachment {
  /** Tracks model requests in flight and records every finished one. */
  readonly hook: PipelineHook;
  /** The generation is retired: its supervisor's events no longer count. */
  detach(): void;
}

export class Observability {
  readonly activity: ActivityStore;
  readonly events: EventStreams;
  readonly inflight: InflightTracker;
  readonly metrics = new PromMetrics();
  readonly performance: PerformanceProbe;
  private readonly upstream: UpstreamMetrics;
  private readonly lifecycle: ModelLifecycle;
  private readonly wallNow: () => number;
  private current: ObservedGeneration | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  /** Log subscriptions, held only while some /api/events client listens. */
  private logFeeds: (() => void)[] = [];
  private readonly stopOnEnd: () => void;

  constructor(private readonly options: ObservabilityOptions) {
    const { hub, logger } = options;
    this.wallNow = options.wallNow ?? Date.now;
    this.activity = new ActivityStore(options.maxInMemory ?? 1000);
    this.events = new EventStreams({ logger, maxBufferedBytes: options.eventsMaxBufferedBytes, onActive: (active) => this.onEventsActive(active) });
    const events = this.events;
    this.inflight = new InflightTracker({ get listening() { return events.listening; }, publish: (update) => events.broadcast('inflight', update) }, this.wallNow);
    this.performance = new PerformanceProbe(options.gpu);
    this.upstream = new UpstreamMetrics(options.upstreamMetricsTimeoutMs);
    this.lifecycle = new ModelLifecycle(this.metrics);
    this.stopOnEnd = hub.onEnd(() => this.close());
  }

  attach(generation: ObservedGeneration): Attachment {
    const { config, supervisor } = generation;
    this.current = generation;
    // 0 turns the activity store off (the app registers no hook); it keeps its last rows.
    if (config.metricsMaxInMemory > 0) this.activity.resize(config.metricsMaxInMemory);
    this.upstream.reset();
    this.metrics.bind({ statuses: () => supervisor.statuses(), inflightByModel: () => this.inflight.countByModel() });
    const onState = (change: StateChange): void => {
      if (this.current !== generation) return;
      this.lifecycle.observe(change);
      if (this.events.listening) this.events.broadcast('modelStatus', this.modelStatus());
    };
    supervisor.on('state', onState);
    if (this.events.listening) this.events.broadcast('modelStatus', this.modelStatus());
    return {
      hook: this.createHook(),
      detach: () => {
        supervisor.off('state', onState);
        if (this.current !== generation) return;
        this.current = null;
        this.metrics.bind(null);
      },
    };
  }

  modelStatus(): ApiModel[] {
    const current = this.current;
    return current === null ? [] : listModelStatus(current.config, current.supervisor.statuses());
  }

  stats(model: string): ActivityStats {
    const rows = this.activity.oldestFirst();
    return getActivityStats(model === '' ? rows : rows.filter((row) => row.model === model));
  }

  /** An /api/events client (head sent): the snapshot (logs, models, requests in flight), then live events. */
  openEvents(sink: SseSink): void {
    const { hub } = this.options;
    const initial: string[] = [];
    for (const source of ['proxy', 'upstream'] as const) {
      const history = hub.history(source);
      if (history.length > 0) initial.push(formatEventFrame('logData', { source, data: `${history.join('\n')}\n` }));
    }
    initial.push(formatEventFrame('modelStatus', this.modelStatus()));
    initial.push(formatEventFrame('inflight', this.inflight.snapshot()));
    this.events.open(sink, initial);
  }

  /** The Prometheus text: swapgate's registry, then every running upstream's own metrics relabelled. */
  async renderMetrics(): Promise<string> {
    const statuses = this.current?.supervisor.statuses() ?? [];
    const [own, upstream] = await Promise.all([this.metrics.render(), this.upstream.collect(statuses, this.metrics.names())]);
    return upstream === '' ? own : `${own}${own.endsWith('\n') ? '' : '\n'}${upstream}`;
  }

  /** Ends every event stream (the daemon is going away). */
  close(): void {
    this.events.closeAll();
    this.onEventsActive(false);
    this.stopOnEnd();
  }

  private createHook(): PipelineHook {
    return {
      name: 'observe',
      admitModel: (call) => {
        this.inflight.add(call);
        return PASS;
      },
      onFinished: (record) => {
        const request = this.inflight.take(record.facts);
        if (!record.inference || record.model === null) return;
        const note = findTokens(record.notes);
        this.activity.record(record, record.model, request?.src ?? '', this.wallNow(), note);
        this.metrics.recordRequest(record, record.model, note);
        if (this.events.listening) this.events.broadcast('activity', this.activity.latest());
      },
    };
  }

  // While someone listens: log lines are fed in, and byte progress of requests in flight ticks.
  private onEventsActive(active: boolean): void {
    if (this.progressTimer !== null) clearInterval(this.progressTimer);
    this.progressTimer = null;
    for (const unsubscribe of this.logFeeds.splice(0)) unsubscribe();
    if (!active) return;
    const { hub } = this.options;
    this.logFeeds = (['proxy', 'upstream'] as const).map((source) =>
      hub.subscribe(source, (line) => this.events.broadcast('logData', { source, data: `${line}\n` })),
    );
    this.progressTimer = setInterval(() => this.inflight.publishProgress(), this.options.inflightUpdateMs ?? 1000);
    this.progressTimer.unref();
  }
}

export function createObservability(options: ObservabilityOptions): Observability {
  return new Observability(options);
}
