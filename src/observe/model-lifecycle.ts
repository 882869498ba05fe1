// Model starts, load times and swaps as the supervisor's state events tell them (the supervisor
// keeps no counts of its own): starting → ready is a start that worked, with its load time;
// starting → stopped (the process died or never got healthy) one that failed; starting →
// stopping / shutdown one that was called off. Every model stopped with reason "swap" is a swap.
import type { StateChange } from '../process/types.js';

export type StartResult = 'ok' | 'failed' | 'cancelled';

export interface LifecycleSink {
  recordStart(model: string, result: StartResult, loadSeconds: number | null): void;
  recordSwap(): void;
}

export class ModelLifecycle {
  private readonly startingAt = new Map<string, number>();

  constructor(private readonly sink: LifecycleSink) {}

  observe(change: StateChange): void {
    const { modelId, from, to } = change;
    if (to === 'stopping' && change.reason === 'swap') this.sink.recordSwap();
    if (to === 'starting') {
      this.startingAt.set(modelId, change.at);
      return;
    }
    if (from !== 'starting') return;
    const since = this.startingAt.get(modelId);
    this.startingAt.delete(modelId);
    if (to === 'ready') this.sink.recordStart(modelId, 'ok', since === undefined ? null : Math.max(0, change.at - since) / 1000);
    else this.sink.recordStart(modelId, to === 'stopped' ? 'failed' : 'cancelled', null);
  }
}
