// Logprobs spell out, token by token, the text they came with (and the runner-up tokens), so
// once a response rule changed a text (redacted, rewritten, truncated) the logprobs beside it
// would hand the original back. They go whole, in the shape the API uses when there are none:
// a chat/completions choice's `logprobs` becomes null, a Responses output_text part's
// `logprobs` becomes [] (as in its stream adapter), and the top-level `completion_probabilities`
// older llama-server builds add to OpenAI-style answers becomes []. Tokens are not re-aligned
// with the rewritten text: a token list describing text the client was not shown is a leak,
// and an invented one would be a lie.
import { isRecord, type JsonEdit, type JsonPath, type TextSlot } from './extract-texts.js';

function getAt(body: unknown, path: JsonPath): unknown {
  let node = body;
  for (const key of path) {
    if (typeof key === 'number' ? !Array.isArray(node) : !isRecord(node)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Edits dropping the logprobs of every text in `body` whose governed text differs. */
export function getLogprobsEdits(body: unknown, slots: readonly TextSlot[], texts: readonly string[]): JsonEdit[] {
  const changed = slots.filter((slot, i) => texts[i] !== undefined && texts[i] !== slot.text);
  if (changed.length === 0 || !isRecord(body)) return [];
  const edits: JsonEdit[] = [];
  const choices = new Set(changed.flatMap((slot) => (slot.choice === null ? [] : [slot.choice])));
  for (const index of choices) {
    const choice = getAt(body, ['choices', index]);
    if (isRecord(choice) && choice.logprobs !== null && choice.logprobs !== undefined) edits.push({ path: ['choices', index, 'logprobs'], value: null });
  }
  for (const slot of changed) {
    const parentPath = slot.path.slice(0, -1);
    const parent = getAt(body, parentPath);
    if (isRecord(parent) && Array.isArray(parent.logprobs) && parent.logprobs.length > 0) edits.push({ path: [...parentPath, 'logprobs'], value: [] });
  }
  if (Array.isArray(body.completion_probabilities) && body.completion_probabilities.length > 0) edits.push({ path: ['completion_probabilities'], value: [] });
  return edits;
}
