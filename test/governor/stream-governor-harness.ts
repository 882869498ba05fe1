// Drives a StreamGovernor built from the policy engine's rules and reads back what a client
// would get: named events with parsed JSON, per Anthropic / Responses conventions.
import { createStreamGovernorFor } from '../../src/governor/create-stream-governor.js';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import type { StreamGovernor } from '../../src/policy/types.js';
import { parseEventStream, type EventJson, type StreamEvent } from '../helpers/scripted-sse.js';
import { CTX, makePolicy } from '../policy/policy-helpers.js';

export type { EventJson, StreamEvent as NamedEvent };

export function governorFor(...rules: Parameters<typeof makePolicy>[1]): StreamGovernor {
  const governor = createStreamGovernorFor(createPolicyEngine({ policies: [makePolicy('p', rules)] }), CTX);
  if (!governor) throw new Error('expected a governor');
  return governor;
}

export function run(governor: StreamGovernor, pieces: readonly Buffer[]): { out: Buffer; perPush: Buffer[] } {
  const perPush = pieces.map((piece) => Buffer.concat(governor.push(piece)));
  return { out: Buffer.concat([...perPush, ...governor.end()]), perPush };
}

/** Deterministic pseudo-random split points. */
export function randomOffsets(seed: number, length: number, count: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 1 + (state % (length - 1));
  });
}

export function parseNamed(bytes: Buffer): StreamEvent[] {
  return parseEventStream(bytes.toString('utf8'));
}

export function ofType(events: readonly StreamEvent[], type: string): EventJson[] {
  return events.filter((e) => e.json.type === type).map((e) => e.json);
}

/** What an Anthropic client shows: text (or thinking) deltas of one block, joined. */
export function getAnthropicText(events: readonly StreamEvent[], field: 'text' | 'thinking' = 'text'): string {
  return ofType(events, 'content_block_delta')
    .map((e) => (e.delta as Record<string, unknown>)[field])
    .filter((t): t is string => typeof t === 'string')
    .join('');
}

/** What a Responses client shows: the deltas of one event type, joined. */
export function getDeltaText(events: readonly StreamEvent[], type = 'response.output_text.delta'): string {
  return ofType(events, type)
    .map((e) => e.delta)
    .join('');
}

/** Every event is well-formed SSE: an event: line naming the JSON type (the SDKs dispatch on it). */
export function isEveryEventNamed(events: readonly StreamEvent[]): boolean {
  return events.every((e) => e.event === e.json.type);
}
