// The Playground's conversation and settings (kept while the tab lives, across pages), and
// sending a turn: a streamed /v1/chat/completions with the tab's key, read chunk by chunk.
import { signal } from '@preact/signals';
import { describeError, readBodyText, request } from '../api/http';
import { createSseParser } from '../api/sse-parser';
import { getLoadMs, readChatChunk, type Usage } from '../lib/chat-stream';
import { summarizeAnswer, type AnswerStats, type Timings } from '../lib/tok-rate';

export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly model?: string;
  readonly reasoning?: string;
  /** swapgate's loading-state text while the model loaded. */
  readonly loading?: string;
  readonly loadMs?: number | null;
  readonly stats?: AnswerStats | null;
  readonly error?: string;
  readonly pending?: boolean;
}

export interface ChatSettings {
  readonly model: string;
  readonly system: string;
  readonly temperature: number;
  readonly maxTokens: number;
}

export const conversation = signal<readonly Turn[]>([]);
export const settings = signal<ChatSettings>({ model: '', system: '', temperature: 0.7, maxTokens: 512 });
export const sending = signal(false);
let controller: AbortController | null = null;

export function stopAnswer(): void {
  controller?.abort();
}

export function clearConversation(): void {
  stopAnswer();
  conversation.value = [];
}

function buildBody(history: readonly Turn[], s: ChatSettings): string {
  const messages = [...(s.system.trim() === '' ? [] : [{ role: 'system', content: s.system }]), ...history.filter((t) => t.error === undefined).map((t) => ({ role: t.role, content: t.content }))];
  return JSON.stringify({ model: s.model, messages, stream: true, stream_options: { include_usage: true }, temperature: s.temperature, max_tokens: s.maxTokens });
}

export async function sendMessage(text: string): Promise<void> {
  const s = settings.value;
  const history = [...conversation.value, { role: 'user' as const, content: text }];
  const index = history.length;
  conversation.value = [...history, { role: 'assistant', content: '', model: s.model, pending: true }];
  const update = (patch: Partial<Turn>): void => {
    conversation.value = conversation.value.map((turn, i) => (i === index ? { ...turn, ...patch } : turn));
  };
  const abort = new AbortController();
  controller = abort;
  sending.value = true;
  const startedAtMs = performance.now();
  let content = '';
  let reasoning = '';
  let loading = '';
  let firstTokenAtMs: number | null = null;
  let lastTokenAtMs: number | null = null;
  let chunks = 0;
  let usage: Usage | null = null;
  let timings: Timings | null = null;
  let error = '';
  try {
    const res = await request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: buildBody(history, s), signal: abort.signal });
    const feed = createSseParser((event) => {
      const chunk = readChatChunk(event.data);
      if (chunk.error !== null) error = chunk.error;
      if (chunk.loading !== '') loading += chunk.loading;
      if (chunk.content !== '') {
        const now = performance.now();
        firstTokenAtMs ??= now;
        lastTokenAtMs = now;
        chunks += 1;
        content += chunk.content;
      }
      reasoning += chunk.reasoning;
      usage = chunk.usage ?? usage;
      timings = chunk.timings ?? timings;
      update({ content, reasoning, loading, loadMs: getLoadMs(loading), ...(error === '' ? {} : { error }) });
    });
    await readBodyText(res, feed);
  } catch (e) {
    error = abort.signal.aborted ? 'Stopped.' : describeError(e);
  } finally {
    if (controller === abort) controller = null;
    sending.value = false;
    const stats = summarizeAnswer({ startedAtMs, firstTokenAtMs, lastTokenAtMs, doneAtMs: performance.now(), chunks, usage, timings });
    update({ pending: false, stats, ...(error === '' ? {} : { error }) });
  }
}
