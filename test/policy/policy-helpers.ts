// Builders for policy configs and raw SSE streams used by the policy tests.
import type { PiiPattern, PolicyAction, PolicyConfig, PolicyDirection, PolicyRule } from '../../src/config/types.js';

export function makePolicy(id: string, rules: PolicyRule[], models: string[] = ['*']): PolicyConfig {
  return { id, description: null, models, rules };
}

export function piiRule(patterns: PiiPattern[], action: PolicyAction = 'redact', appliesTo: PolicyDirection[] = ['request', 'response']): PolicyRule {
  return { type: 'pii_detection', action, appliesTo, patterns };
}

export function contentRule(terms: string[], action: PolicyAction = 'block', categories: string[] = [], appliesTo: PolicyDirection[] = ['request', 'response']): PolicyRule {
  return { type: 'content_filter', action, appliesTo, categories, terms };
}

export function lengthRule(maxTokens: number, action: PolicyAction = 'truncate'): PolicyRule {
  return { type: 'response_length', action, appliesTo: ['response'], maxTokens };
}

export const CTX = { modelId: 'llama-8b', aliases: ['llama'], route: '/v1/chat/completions' };

/** One OpenAI chat.completion.chunk event. */
export function chatChunk(content: string | null, finishReason: string | null = null, extra: Record<string, unknown> = {}): string {
  const delta = content === null ? {} : { content };
  const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'llama-8b', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export function sseStream(contents: readonly string[], options: { done?: boolean } = {}): string {
  const events = [chatChunk('', null, {}).replace('"delta":{"content":""}', '"delta":{"role":"assistant","content":""}')];
  for (const c of contents) events.push(chatChunk(c));
  events.push(chatChunk(null, 'stop'));
  if (options.done !== false) events.push('data: [DONE]\n\n');
  return events.join('');
}

/** Cuts bytes at the given offsets (each relative to the start). */
export function splitAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [0, ...offsets.filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b), bytes.length];
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
}

export interface ParsedEvent {
  readonly event: string | null;
  readonly data: string;
}

export function parseSse(bytes: Buffer | string): ParsedEvent[] {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  return text.split(/\r?\n\r?\n/).filter((block) => block.trim() !== '').map((block) => {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    return { event, data: data.join('\n') };
  });
}

interface ChunkChoice {
  readonly index: number;
  readonly delta?: { content?: string };
  readonly text?: string;
  readonly finish_reason: string | null;
}

export function getChoices(events: readonly ParsedEvent[]): ChunkChoice[] {
  return events
    .filter((e) => e.event === null && e.data !== '[DONE]')
    .flatMap((e) => (JSON.parse(e.data) as { choices: ChunkChoice[] }).choices);
}

export function getContent(events: readonly ParsedEvent[]): string {
  return getChoices(events).map((c) => c.delta?.content ?? c.text ?? '').join('');
}
