// The tab's one connection to GET /api/events, read with fetch so that it carries the API key.
// It reconnects with backoff (1 s doubling to 15 s) when the stream ends or fails; after a 401 or
// 403 it waits for restart() (a new key) instead of hammering the daemon with a refused key.
import { signal } from '@preact/signals';
import { describeError, isAuthError, readBodyText, request } from './http';
import { createSseParser } from './sse-parser';

export type ConnectionStatus = 'connecting' | 'open' | 'retrying' | 'refused';

export interface Connection {
  readonly status: ConnectionStatus;
  /** Why it is not open ('' when it is). */
  readonly detail: string;
  /** The refusal's status (401: no or a wrong key, 403: not an admin key); null otherwise. */
  readonly httpStatus: number | null;
}

export const connection = signal<Connection>({ status: 'connecting', detail: '', httpStatus: null });

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

export interface EventStreamOptions {
  readonly path: string;
  /** The stream is open: what follows is a fresh snapshot. */
  readonly onOpen: () => void;
  readonly onData: (data: string) => void;
}

export function getRetryDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt));
}

export class EventStream {
  private controller: AbortController | null = null;
  private wake: (() => void) | null = null;
  private attempt = 0;
  private stopped = false;

  constructor(private readonly options: EventStreamOptions) {}

  start(): void {
    void this.loop();
  }

  /** Reconnects now (a new key): a wait for a retry or for a key ends at once. */
  restart(): void {
    this.attempt = 0;
    this.controller?.abort();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.restart();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const controller = new AbortController();
      this.controller = controller;
      let detail: string;
      try {
        if (this.attempt === 0) connection.value = { status: 'connecting', detail: '', httpStatus: null };
        await this.read(controller.signal);
        detail = 'The event stream ended.';
      } catch (error) {
        if (controller.signal.aborted) continue; // restart(): connect again at once
        if (isAuthError(error)) {
          connection.value = { status: 'refused', detail: describeError(error), httpStatus: error.status };
          await this.sleep(null);
          continue;
        }
        detail = describeError(error);
      }
      const delayMs = getRetryDelayMs(this.attempt);
      this.attempt += 1;
      connection.value = { status: 'retrying', detail: `${detail} Reconnecting in ${Math.round(delayMs / 1000)} s.`, httpStatus: null };
      await this.sleep(delayMs);
    }
  }

  private async read(abort: AbortSignal): Promise<void> {
    const res = await request(this.options.path, { signal: abort, headers: { accept: 'text/event-stream' } });
    this.attempt = 0;
    connection.value = { status: 'open', detail: '', httpStatus: null };
    this.options.onOpen();
    await readBodyText(res, createSseParser((event) => this.options.onData(event.data)));
  }

  /** Waits `ms` (null: until restart()). */
  private sleep(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? 0 : setTimeout(() => finish(), ms);
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      this.wake = finish;
    });
  }
}
