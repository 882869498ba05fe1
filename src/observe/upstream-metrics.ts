// The metrics of running models whose server exposes /metrics (llama-server --metrics), fetched
// when swapgate's /metrics is scraped: in parallel, each with a short timeout, so one scrape
// target covers every model and a stuck upstream costs the scrape at most timeoutMs. A server
// that answers anything but 200 (no --metrics: 501) is not asked again until it restarts on
// another address or the config is reloaded; one that times out is asked next time.
import type { ModelStatus } from '../supervisor/types.js';
import { mergeUpstreamMetrics, type UpstreamText } from './relabel-metrics.js';

export const DEFAULT_UPSTREAM_METRICS_TIMEOUT_MS = 1000;

export class UpstreamMetrics {
  private readonly unsupported = new Set<string>();

  constructor(private readonly timeoutMs = DEFAULT_UPSTREAM_METRICS_TIMEOUT_MS) {}

  /** Forget which upstreams had no metrics (a new config may have turned --metrics on). */
  reset(): void {
    this.unsupported.clear();
  }

  async collect(statuses: readonly ModelStatus[], reserved: ReadonlySet<string>): Promise<string> {
    const ready = statuses.filter((s) => s.state === 'ready' && s.baseUrl !== null && !this.unsupported.has(s.baseUrl));
    if (ready.length === 0) return '';
    const texts = await Promise.all(ready.map((status) => this.fetchOne(status.id, status.baseUrl as string)));
    return mergeUpstreamMetrics(texts.filter((t): t is UpstreamText => t !== null), reserved);
  }

  private async fetchOne(model: string, baseUrl: string): Promise<UpstreamText | null> {
    try {
      const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (res.status !== 200) {
        this.unsupported.add(baseUrl);
        await res.body?.cancel();
        return null;
      }
      return { model, text: await res.text() };
    } catch {
      return null; // refused, reset or timed out: this scrape goes without this model's metrics
    }
  }
}
