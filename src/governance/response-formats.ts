// Which inference routes answer with generated text, and which of those answers the policy
// engine can read: JSON bodies and SSE streams of the OpenAI chat/completions, Anthropic
// Messages and OpenAI Responses APIs. Anything else that carries text (llama.cpp's own
// /completion and /infill) cannot be inspected, so with response rules it is refused up front
// rather than passed through unredacted.
import { uninspectableRouteError } from './governance-errors.js';

const INSPECTED = new Set(['/v1/chat/completions', '/v1/completions', '/v1/messages', '/v1/responses']);
const TEXT_ROUTES = new Set([...INSPECTED, '/completion', '/infill']);

/**
 * True when response rules must inspect this route's answer; false when it carries no generated
 * text (embeddings, rerank, speech…). Throws a 400 when it does but cannot be inspected.
 */
export function checkResponseInspectable(route: string, streaming: boolean, modelId: string): boolean {
  if (!TEXT_ROUTES.has(route)) return false;
  if (INSPECTED.has(route)) return true;
  const how = streaming ? 'streamed' : 'non-streamed';
  throw uninspectableRouteError(`response policies apply to model "${modelId}", and swapgate cannot inspect ${how} ${route} responses; use /v1/chat/completions`, route);
}
