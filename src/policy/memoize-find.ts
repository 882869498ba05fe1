// Chat clients send the whole conversation with every turn, so the system prompt and every
// earlier message reach the text rules again and again. A text rule's hits depend only on the
// text, so each rule remembers them for texts it has seen before (whole texts only: a stream
// segment that follows released context is always scanned). Bounded by characters kept, oldest
// out. A text is kept only from its second sighting on: most texts (each new turn) never come
// back, and keeping them all made every request's text survive into V8's old space, which cost
// more in garbage collection than the scans it saved.
import { LruMap } from '../shared/lru-map.js';
import type { TextHit } from './compile-rule.js';

/** Texts longer than this are scanned every time. */
const MAX_TEXT_CHARS = 32 * 1024;
/** Characters of text kept as keys per rule (about 2 MB at most). */
const MAX_KEPT_CHARS = 1024 * 1024;
/** Hashes of texts seen once; forgotten all at once past this many (small integers: no garbage). */
const MAX_SEEN_ONCE = 16 * 1024;

/** Longer texts are hashed by their length, first and last 512 code units only. */
const HASHED_EDGE = 512;

/**
 * FNV-1a over UTF-16 code units, cut to 30 bits so V8 keeps it as a small integer. It only
 * decides whether a text is worth keeping (the memo itself is keyed by the exact text), so a
 * collision costs one needless entry, never a wrong answer: long texts are sampled.
 */
function hashString(text: string): number {
  const sampled = text.length > 2 * HASHED_EDGE;
  const headEnd = sampled ? HASHED_EDGE : text.length;
  let hash = Math.imul(0x811c9dc5 ^ text.length, 0x01000193);
  for (let i = 0; i < headEnd; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  if (sampled) for (let i = text.length - HASHED_EDGE; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash & 0x3fffffff;
}

export type FindHits = (text: string, from: number) => readonly TextHit[];

export function memoizeFind(find: FindHits): FindHits {
  // get() makes a text the most recently used, so eviction takes the stalest text.
  const seen = new LruMap<string, readonly TextHit[]>({ maxCost: MAX_KEPT_CHARS, costOf: (text) => text.length });
  const seenOnce = new Set<number>();
  return (text, from) => {
    if (from !== 0 || text.length > MAX_TEXT_CHARS) return find(text, from);
    const known = seen.get(text);
    if (known !== undefined) return known;
    const hash = hashString(text);
    if (!seenOnce.has(hash)) {
      if (seenOnce.size >= MAX_SEEN_ONCE) seenOnce.clear();
      seenOnce.add(hash);
      return find(text, 0);
    }
    seenOnce.delete(hash);
    const hits = Object.freeze(find(text, 0));
    seen.set(text, hits);
    return hits;
  };
}
