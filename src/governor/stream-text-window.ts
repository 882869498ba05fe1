// The hold-back window for streamed text. Text is released as soon as it ends at a "safe
// cut": a whitespace no PII value can span. PII patterns never cross a newline or tab, and
// cross a space only right after a digit, an uppercase letter or ")" (card/phone/SSN/IBAN
// groups), so "contact me at " is released at once while "4111 1111 " or "john.doe@exam"
// waits for more. Labelled secrets ("api_key=") are matched by lookbehind over the released
// `context`, so the label may go out before its value arrives. A run with no safe cut is
// force-released once it exceeds FORCE_RELEASE_CHARS, keeping the last KEEP_ON_FORCE_CHARS.
import type { SegmentResult } from '../policy/inspect-text.js';
import { MAX_PII_MATCH_CHARS } from '../policy/pii-detectors.js';

export const CONTEXT_CHARS = 160;
export const KEEP_ON_FORCE_CHARS = MAX_PII_MATCH_CHARS;
export const FORCE_RELEASE_CHARS = 2 * MAX_PII_MATCH_CHARS;

export interface StreamTextWindow {
  /** Adds text; returns what can be released now (already inspected and redacted). */
  push(text: string): SegmentResult;
  /** Releases everything held (finish_reason, [DONE], upstream end). */
  flush(): SegmentResult;
  readonly heldChars: number;
}

export type InspectSegment = (segment: string, context: string) => SegmentResult;

const GROUP_CHAR = /[0-9A-Z)]/;

/** Index just after the last safe cut in `text`, or 0. */
export function findSafeCut(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r' || ch === '\t') return i + 1;
    if (ch === ' ' && (i === 0 || !GROUP_CHAR.test(text[i - 1] ?? ''))) return i + 1;
  }
  return 0;
}

function findForcedCut(text: string): number {
  const limit = text.length - KEEP_ON_FORCE_CHARS;
  const space = text.lastIndexOf(' ', limit - 1);
  return space > 0 ? space + 1 : limit;
}

const NOTHING: SegmentResult = { text: '', blocked: null };

export function createStreamTextWindow(inspect: InspectSegment): StreamTextWindow {
  let pending = '';
  let context = '';

  const release = (cut: number): SegmentResult => {
    const segment = pending.slice(0, cut);
    pending = pending.slice(cut);
    const result = inspect(segment, context);
    if (!result.blocked) context = (context + result.text).slice(-CONTEXT_CHARS);
    return result;
  };

  return {
    push(text) {
      if (text === '') return NOTHING;
      pending += text;
      let cut = findSafeCut(pending);
      if (pending.length - cut > FORCE_RELEASE_CHARS) cut = findForcedCut(pending);
      return cut === 0 ? NOTHING : release(cut);
    },
    flush() {
      return pending === '' ? NOTHING : release(pending.length);
    },
    get heldChars() {
      return pending.length;
    },
  };
}
