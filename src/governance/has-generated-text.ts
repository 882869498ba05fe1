// Whether a chunk of an answer stream carries generated text yet: the time to first token is when
// the first such chunk passes. Looks for `"key":"x` with a text-bearing key (chat deltas,
// completions, Anthropic text/thinking deltas, Responses API deltas, tool-call arguments) and a
// non-empty string value, so a role-only first chunk (`"content":null`) or an empty block start
// (`"text":""`) does not count. Compares bytes in place: nothing is decoded or copied.
const QUOTE = 0x22;
const SEPARATOR = Buffer.from('":"');
const TEXT_KEYS = ['content', 'text', 'delta', 'reasoning_content', 'reasoning', 'thinking', 'arguments', 'partial_json'].map((key) => Buffer.from(key));
const LONGEST_KEY = Math.max(...TEXT_KEYS.map((key) => key.length));

function isTextKey(chunk: Buffer, start: number, end: number): boolean {
  const length = end - start;
  for (const key of TEXT_KEYS) {
    if (key.length === length && chunk.compare(key, 0, length, start, end) === 0) return true;
  }
  return false;
}

export function hasGeneratedText(chunk: Buffer): boolean {
  let at = chunk.indexOf(SEPARATOR);
  while (at >= 0) {
    const valueAt = at + SEPARATOR.length;
    if (valueAt < chunk.length && chunk[valueAt] !== QUOTE) {
      const keyStart = chunk.lastIndexOf(QUOTE, at - 1) + 1;
      if (keyStart > 0 && at - keyStart <= LONGEST_KEY && isTextKey(chunk, keyStart, at)) return true;
    }
    at = chunk.indexOf(SEPARATOR, valueAt);
  }
  return false;
}
