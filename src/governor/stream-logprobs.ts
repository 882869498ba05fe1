// The logprobs of a governed chat/completions stream. A chunk's `choices[i].logprobs` spell out
// the tokens of that chunk's upstream text, so they may reach the client only with that text,
// unchanged. The rule, per choice:
// - while any of the choice's text is held back (the window may still redact it), the logprobs
//   of the chunks that brought it are held too: those chunks go out with `logprobs: null`;
// - once nothing is held, the held logprobs go out merged with the chunk that released the last
//   of the text, provided every character released for the choice so far is exactly what the
//   upstream sent;
// - from the first change (a redaction, a rewrite) on, the choice's held and later logprobs are
//   dropped (null) for the rest of the stream.
// So what a client gets is always the token list of a prefix of the text it was shown, verbatim:
// nothing redacted or held can be read back token by token, and completions' `text_offset`
// stays true. Without text rules nothing is held, and logprobs pass as they came.
import { isRecord } from '../policy/extract-texts.js';
import type { Json } from './stream-format.js';

/** One governed field of a choice in one chunk: the text the upstream sent, and what went out. */
export interface FieldText {
  readonly field: string;
  readonly upstream: string;
  readonly released: string;
}

export interface LogprobsOutcome {
  /** What the chunk's choice carries as `logprobs` (null: nothing may go out with it). */
  readonly logprobs: Json | null;
  /** The chunk's own tokens went out (its text was released whole, unchanged). */
  readonly sent: boolean;
}

export interface LogprobsLedger {
  /** Settles a choice of one chunk after its text was governed; `holding`: text is still held. */
  settle(index: number, texts: readonly FieldText[], logprobs: unknown, holding: boolean): LogprobsOutcome;
  /**
   * What settle would return for a chunk without logprobs whose text went out whole and
   * unchanged with nothing held, when settling it cannot change the ledger; null when the
   * chunk must be settled. Lets a stream without logprobs skip building `texts`.
   */
  settleQuiet(index: number): LogprobsOutcome | null;
}

interface ChoiceLedger {
  /** Per field: upstream text not released yet (while everything released matched); '' is absent. */
  readonly unreleased: Map<string, string>;
  readonly held: Json[];
  changed: boolean;
}

const DROPPED: LogprobsOutcome = { logprobs: null, sent: false };
const SENT_NOTHING: LogprobsOutcome = { logprobs: null, sent: true };

/** Chat `{content, refusal}` or completions `{tokens, token_logprobs, …}`: lists concatenated. */
function mergeLogprobs(parts: readonly Json[]): Json | null {
  if (parts.length <= 1) return parts[0] ?? null;
  const merged: Json = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const before = merged[key];
      merged[key] = Array.isArray(value) ? [...(Array.isArray(before) ? before : []), ...(value as unknown[])] : (before ?? value);
    }
  }
  return merged;
}

export function createLogprobsLedger(): LogprobsLedger {
  const choices = new Map<number, ChoiceLedger>();

  const getChoice = (index: number): ChoiceLedger => {
    let choice = choices.get(index);
    if (!choice) {
      choice = { unreleased: new Map(), held: [], changed: false };
      choices.set(index, choice);
    }
    return choice;
  };

  /** False once something released differs from what the upstream sent. */
  const isVerbatim = (choice: ChoiceLedger, { field, upstream, released }: FieldText): boolean => {
    const before = choice.unreleased.get(field);
    // Common case (nothing was pending, all of it went out): no strings to build.
    if (before === undefined && upstream === released) return true;
    const rest = (before ?? '') + upstream;
    if (!rest.startsWith(released)) return false;
    if (rest.length === released.length) choice.unreleased.delete(field);
    else choice.unreleased.set(field, rest.slice(released.length));
    return true;
  };

  return {
    settle(index, texts, logprobs, holding) {
      const choice = getChoice(index);
      if (choice.changed) return DROPPED;
      if (!texts.every((text) => isVerbatim(choice, text))) {
        choice.changed = true;
        choice.held.length = 0;
        choice.unreleased.clear();
        return DROPPED;
      }
      if (isRecord(logprobs)) choice.held.push(logprobs);
      if (holding) return DROPPED;
      const merged = mergeLogprobs(choice.held);
      choice.held.length = 0;
      return { logprobs: merged, sent: true };
    },
    settleQuiet(index) {
      const choice = choices.get(index);
      if (choice === undefined) return SENT_NOTHING;
      if (choice.changed) return DROPPED;
      return choice.unreleased.size === 0 && choice.held.length === 0 ? SENT_NOTHING : null;
    },
  };
}
