// Anthropic Messages and OpenAI Responses SSE streams as their servers send them (shapes from
// the official SDK types and from llama-server), one string per event, for governor tests and
// the scripted upstream.

export interface StreamScript {
  readonly pieces: readonly string[];
  /** Reasoning / thinking pieces streamed before the answer. */
  readonly thinking?: readonly string[];
  /** Stop after the pieces: no closing events (the upstream keeps the stream open). */
  readonly hold?: boolean;
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
}

export function namedEvent(type: string, body: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
}

export function anthropicEvents(script: StreamScript): string[] {
  const { pieces, thinking = [], hold = false, usage } = script;
  const events = [
    namedEvent('message_start', {
      message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'writer', stop_reason: null, stop_sequence: null, usage: { input_tokens: usage?.prompt_tokens ?? 1, output_tokens: 0 } },
    }),
  ];
  if (thinking.length > 0) {
    events.push(namedEvent('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const piece of thinking) events.push(namedEvent('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: piece } }));
    events.push(namedEvent('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: '' } }));
    events.push(namedEvent('content_block_stop', { index: 0 }));
  }
  const index = thinking.length > 0 ? 1 : 0;
  events.push(namedEvent('content_block_start', { index, content_block: { type: 'text', text: '' } }), namedEvent('ping'));
  for (const piece of pieces) events.push(namedEvent('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
  if (hold) return events;
  events.push(
    namedEvent('content_block_stop', { index }),
    namedEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage?.completion_tokens ?? pieces.length } }),
    namedEvent('message_stop'),
  );
  return events;
}

/** `indexed: false` leaves out output_index, content_index and sequence_number, as llama-server does. */
export function responsesEvents(script: StreamScript & { readonly indexed?: boolean }): string[] {
  const { pieces, thinking = [], hold = false, usage, indexed = true } = script;
  let sequence = 0;
  const event = (type: string, body: Record<string, unknown>): string =>
    namedEvent(type, indexed ? { ...body, sequence_number: sequence++ } : Object.fromEntries(Object.entries(body).filter(([k]) => !k.endsWith('_index'))));
  const base = { id: 'resp_1', object: 'response', created_at: 1, model: 'writer', status: 'in_progress', output: [], error: null, incomplete_details: null, usage: null };
  const events = [event('response.created', { response: base }), event('response.in_progress', { response: base })];
  const output: Record<string, unknown>[] = [];
  if (thinking.length > 0) {
    const item = { id: 'rs_1', type: 'reasoning', summary: [], content: [] as unknown[] };
    events.push(event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress' } }));
    for (const delta of thinking) events.push(event('response.reasoning_text.delta', { item_id: 'rs_1', output_index: 0, content_index: 0, delta }));
    const done = { ...item, content: [{ type: 'reasoning_text', text: thinking.join('') }] };
    events.push(event('response.output_item.done', { output_index: 0, item: done }));
    output.push(done);
  }
  const at = { item_id: 'msg_1', output_index: output.length, content_index: 0 };
  const text = pieces.join('');
  events.push(
    event('response.output_item.added', { output_index: at.output_index, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } }),
    event('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } }),
  );
  for (const delta of pieces) events.push(event('response.output_text.delta', { ...at, delta, logprobs: [] }));
  if (hold) return events;
  const part = { type: 'output_text', text, annotations: [] };
  const message = { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [part] };
  output.push(message);
  const tokens = usage ? { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.prompt_tokens + usage.completion_tokens } : null;
  events.push(
    event('response.output_text.done', { ...at, text, logprobs: [] }),
    event('response.content_part.done', { ...at, part }),
    event('response.output_item.done', { output_index: at.output_index, item: message }),
    event('response.completed', { response: { ...base, status: 'completed', output, usage: tokens } }),
  );
  return events;
}

export type EventJson = Record<string, unknown> & { type: string };

export interface StreamEvent {
  /** The event: line, or null. */
  readonly event: string | null;
  readonly json: EventJson;
}

/** Reads an SSE body as a client does: event: names the event, data: carries JSON ([DONE] skipped). */
export function parseEventStream(body: string): StreamEvent[] {
  return body
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .flatMap((block) => {
      let event: string | null = null;
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
      const text = data.join('\n');
      return data.length === 0 || text === '[DONE]' ? [] : [{ event, json: JSON.parse(text) as EventJson }];
    });
}
