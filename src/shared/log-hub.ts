// Keeps recent log lines per channel and fans new lines out to live subscribers
// (the /logs routes and the UI). Channels: "proxy", "upstream", and one per model id.

export type LogListener = (line: string, channel: string) => void;

const DEFAULT_CAPACITY = 1000;

export class LineRing {
  private readonly lines: string[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  push(line: string): void {
    if (this.lines.length < this.capacity) {
      this.lines.push(line);
      return;
    }
    this.lines[this.start] = line;
    this.start = (this.start + 1) % this.capacity;
  }

  /** The last `count` lines, oldest first. */
  tail(count = this.capacity): string[] {
    const ordered = this.lines.slice(this.start).concat(this.lines.slice(0, this.start));
    return count >= ordered.length ? ordered : ordered.slice(ordered.length - count);
  }
}

export class LogHub {
  private readonly rings = new Map<string, LineRing>();
  private readonly listeners = new Map<string, Set<LogListener>>();
  private readonly enders = new Set<() => void>();
  private ended = false;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Appends a line from a model's upstream process; it also lands in the "upstream" channel. */
  upstream(modelId: string, line: string): void {
    this.append(modelId, line);
    this.append('upstream', `[${modelId}] ${line}`);
  }

  proxy(line: string): void {
    this.append('proxy', line);
  }

  history(channel: string, count?: number): string[] {
    return this.rings.get(channel)?.tail(count) ?? [];
  }

  subscribe(channel: string, listener: LogListener): () => void {
    let set = this.listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Called once when the hub ends (at once if it already has): live log streams close then,
   * so an open `curl -N /logs/stream` or UI tab does not hold a shutdown for its whole grace.
   */
  onEnd(callback: () => void): () => void {
    if (this.ended) {
      callback();
      return () => undefined;
    }
    this.enders.add(callback);
    return () => this.enders.delete(callback);
  }

  /** The daemon is going away: ends every live stream (history stays readable). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const enders = [...this.enders];
    this.enders.clear();
    for (const callback of enders) callback();
  }

  private append(channel: string, line: string): void {
    let ring = this.rings.get(channel);
    if (ring === undefined) {
      ring = new LineRing(this.capacity);
      this.rings.set(channel, ring);
    }
    ring.push(line);
    const set = this.listeners.get(channel);
    if (set !== undefined) for (const listener of set) listener(line, channel);
  }
}
