// The one object the hot path allocates: a claim on a ready model, released exactly once.
import type { Lease } from './types.js';
import type { ModelEntry } from './model-entry.js';

export class ModelLease implements Lease {
  private released = false;

  constructor(
    private readonly entry: ModelEntry,
    readonly baseUrl: string,
    readonly waitedForLoad: boolean,
    private readonly onRelease: (entry: ModelEntry) => void,
  ) {}

  get modelId(): string {
    return this.entry.id;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this.entry);
  }
}
