// Chat clients send the whole conversation with every turn, so the system prompt and every
// earlier message reach the text rules again and again. A text rule's hits depend only on the
// text, so each rule remembers them for recently seen texts (whole texts only: a stream segment
// that follows released context is always scanned). Bounded by characters kept, oldest out.
import type { TextHit } from './compile-rule.js';

/** Texts longer than this are scanned every time. */
const MAX_TEXT_CHARS = 32 * 1024;
/** Characters of text kept as keys per rule (about 2 MB at most). */
const MAX_KEPT_CHARS = 1024 * 1024;

export type FindHits = (text: string, from: number) => readonly TextHit[];

export function memoizeFind(find: FindHits): FindHits {
  const seen = new Map<string, readonly TextHit[]>();
  let keptChars = 0;
  return (text, from) => {
    if (from !== 0 || text.length > MAX_TEXT_CHARS) return find(text, from);
    const known = seen.get(text);
    if (known !== undefined) {
      // Most recently used last, so eviction takes the stalest text.
      seen.delete(text);
      seen.set(text, known);
      return known;
    }
    const hits = Object.freeze(find(text, 0));
    seen.set(text, hits);
    keptChars += text.length;
    for (const oldest of seen.keys()) {
      if (keptChars <= MAX_KEPT_CHARS) break;
      seen.delete(oldest);
      keptChars -= oldest.length;
    }
    return hits;
  };
}
