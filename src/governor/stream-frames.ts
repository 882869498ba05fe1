// Reading one SSE event and writing the frames the governor sends.
import type { PolicyBlock } from '../policy/types.js';

export interface SseEvent {
  /** Lines other than data: (event:, id:, retry:, comments), kept when the event is rewritten. */
  readonly otherLines: readonly string[];
  /** data: lines joined by "\n", or null when the event has none. */
  readonly data: string | null;
}

export function parseSseEvent(raw: Buffer): SseEvent {
  const otherLines: string[] = [];
  const dataLines: string[] = [];
  for (const line of raw.toString('utf8').split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    if (line.startsWith('data:')) dataLines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else otherLines.push(line);
  }
  return { otherLines, data: dataLines.length > 0 ? dataLines.join('\n') : null };
}

export function serializeSseEvent(event: SseEvent, data: string): Buffer {
  const head = event.otherLines.length > 0 ? `${event.otherLines.join('\n')}\n` : '';
  return Buffer.from(`${head}data: ${data}\n\n`);
}

export function createDataFrame(value: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(value)}\n\n`);
}

/** A named event (Anthropic and Responses streams name every event after its JSON "type"). */
export function createEventFrame(event: string, value: unknown): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${JSON.stringify(value)}\n\n`);
}

export const DONE_FRAME = Buffer.from('data: [DONE]\n\n');

/** The OpenAI-shaped error body the server also uses for a blocked request (HTTP 400). */
export function getPolicyErrorBody(block: PolicyBlock): { error: Record<string, string> } {
  return {
    error: {
      type: 'policy_violation',
      code: 'policy_violation',
      message: block.message,
      policy_id: block.policyId,
      rule_type: block.ruleType,
    },
  };
}

export function createErrorFrame(block: PolicyBlock): Buffer {
  return Buffer.from(`event: error\ndata: ${JSON.stringify(getPolicyErrorBody(block))}\n\n`);
}
