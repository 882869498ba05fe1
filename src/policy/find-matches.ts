// Every match of a global regex, without String#matchAll: matchAll clones the regex and builds
// an iterator on each call, which dominated the cost of scanning short chat texts.
const NONE: readonly RegExpExecArray[] = Object.freeze([]);

/** Same matches as [...text.matchAll(regex)]; `regex` must be global. Leaves lastIndex at 0. */
export function findMatches(regex: RegExp, text: string): readonly RegExpExecArray[] {
  regex.lastIndex = 0;
  let m = regex.exec(text);
  if (m === null) return NONE;
  const matches: RegExpExecArray[] = [];
  while (m !== null) {
    matches.push(m);
    if (m[0].length === 0) regex.lastIndex = advanceIndex(text, regex.lastIndex, regex.unicode);
    m = regex.exec(text);
  }
  regex.lastIndex = 0;
  return matches;
}

/** Past an empty match: one code unit, or one code point in unicode mode (as matchAll does). */
function advanceIndex(text: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= text.length) return index + 1;
  const first = text.charCodeAt(index);
  if (first < 0xd800 || first > 0xdbff) return index + 1;
  const second = text.charCodeAt(index + 1);
  return second >= 0xdc00 && second <= 0xdfff ? index + 2 : index + 1;
}
