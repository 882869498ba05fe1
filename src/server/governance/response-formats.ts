// Which inference routes answer with generated text, and which of those answers the policy
// engine can read: JSON bodies of the OpenAI, Anthropic and Responses APIs, and OpenAI-style
// SSE chunks. Anything else that carries text cannot be inspected, so with response rules it
// is refused up front rather than passed through unredacted.
import { uninspectableRouteError } from './governance-errors.js';

const JSON_INSPECTED = new Set(['/v1/chat/completions', '/v1/completions', '/v1/messages', '/v1/responses']);
const STREAM_GOVERNED = new Set(['/v1/chat/completions', '/v1/completions']);
const TEXT_ROUTES = new Set([...JSON_INSPECTED, '/completion', '/infill']);

/**
 * True when response rules must inspect this route's answer; false when it carries no generated
 * text (embeddings, rerank, speech…). Throws a 400 when it does but cannot be inspected.
 */
export function checkResponseInspectable(route: string, streaming: boolean, modelId: string): boolean {
  if (!TEXT_ROUTES.has(route)) return false;
  if (streaming ? STREAM_GOVERNED.has(route) : JSON_INSPECTED.has(route)) return true;
  const how = streaming ? 'streamed' : 'non-streamed';
  const instead = streaming && JSON_INSPECTED.has(route) ? 'send "stream": false, or use /v1/chat/completions' : 'use /v1/chat/completions';
  throw uninspectableRouteError(`response policies apply to model "${modelId}", and swapgate cannot inspect ${how} ${route} responses; ${instead}`, route);
}
