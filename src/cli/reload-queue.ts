// One config reload at a time. Requests that arrive during a reload collapse into one more
// reload after it, which reads the file as it is then: the newest config wins and nothing piles up.
export class ReloadQueue {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private closed = false;
  /** What asked for the reload not started yet ("watch", "SIGHUP"). */
  private readonly triggers = new Set<string>();

  /** `reload` never rejects (it logs its own failures); it gets what asked for it, joined by "+". */
  constructor(private readonly reload: (trigger: string) => Promise<void>) {}

  /** Resolves when a reload that started after this call has finished (or at once once closed). */
  request(trigger: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.triggers.add(trigger);
    const running = this.running;
    if (running === null) return this.start();
    this.next ??= running.then(() => {
      this.next = null;
      return this.closed ? undefined : this.start();
    });
    return this.next;
  }

  /** Starts no more reloads; resolves when the one in progress has finished. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private start(): Promise<void> {
    const trigger = [...this.triggers].join('+');
    this.triggers.clear();
    const run: Promise<void> = this.reload(trigger).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
