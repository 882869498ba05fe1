// sendLoadingState: while a streaming chat request waits for its model, the client already
// gets a 200 event stream whose chunks carry progress in delta.reasoning_content (never in
// content). The upstream's own stream then continues on the same response.
import type { LoadProgress } from '../supervisor/types.js';
import { formatErrorBody, type SwapgateError } from '../shared/errors.js';
import { toSwapgateError } from './error-mapper.js';
import type { Exchange } from './exchange.js';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

let streamCounter = 0;

/** The last words of an event stream that failed after its head: an OpenAI-shaped error event, then [DONE]. */
export function formatSseError(error: SwapgateError): string {
  return `data: ${formatErrorBody(error)}\n\ndata: [DONE]\n\n`;
}

export class LoadingStateStream {
  private started = false;
  private startedAtMs = 0;
  private over = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly id = `chatcmpl-swapgate-loading-${++streamCounter}`;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly headListeners: (() => void)[] = [];

  constructor(
    private readonly exchange: Exchange,
    /** The model name as requested (what the chunks report). */
    private readonly model: string,
    private readonly dotIntervalMs: number,
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  /** Resolves once the SSE head went out (the handler may then return the response). */
  whenStarted(): Promise<void> {
    if (this.started) return Promise.resolve();
    return new Promise((resolve) => this.headListeners.push(resolve));
  }

  progress(progress: LoadProgress): void {
    if (this.over) return;
    if (!this.started) this.start();
    if (progress.kind === 'queued') this.send(` (queued, position ${progress.position})`);
    else if (progress.kind === 'ready') this.ready(progress.loadMs);
  }

  /** Load finished: the "loaded" line (once, whoever reports first), dots stop. */
  ready(loadMs: number | null): void {
    if (!this.started || this.timer === null) return;
    this.stopDots();
    const took = loadMs ?? Date.now() - this.startedAtMs;
    this.send(`\nmodel ${this.model} loaded in ${(took / 1000).toFixed(1)}s\n\n`);
  }

  /** The load (or the upstream) failed after the head: an error event, then [DONE]. */
  fail(error: unknown): void {
    if (this.over) return;
    this.over = true;
    this.stopDots();
    this.exchange.complete(formatSseError(toSwapgateError(error)));
  }

  private start(): void {
    this.started = true;
    this.startedAtMs = Date.now();
    this.exchange.writeHead(200, { ...SSE_HEADERS });
    this.exchange.outgoing.once('close', () => this.stopDots());
    this.send(`loading model ${this.model} `, true);
    this.timer = setInterval(() => this.send('.'), this.dotIntervalMs);
    this.timer.unref();
    for (const listener of this.headListeners.splice(0)) listener();
  }

  private stopDots(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private send(text: string, first = false): void {
    const delta = first ? { role: 'assistant', reasoning_content: text } : { reasoning_content: text };
    const chunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
    };
    this.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  private write(text: string): void {
    const out = this.exchange.outgoing;
    if (out.destroyed) return;
    this.exchange.bytes += Buffer.byteLength(text);
    out.write(text);
  }
}
