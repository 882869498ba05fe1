// Logprobs as OpenAI-compatible servers send them when asked (`logprobs: true`): one token per
// scripted piece, with its UTF-8 bytes and a runner-up (the token upper-cased), in the chat and
// the completions shapes; and a check that a body spells out none of a secret's pieces.

export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: number[];
  readonly top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

const toBytes = (token: string): number[] => [...Buffer.from(token, 'utf8')];

export function makeChatLogprobs(tokens: readonly string[]): { content: TokenLogprob[]; refusal: null } {
  const content = tokens.map((token) => ({
    token,
    logprob: -0.25,
    bytes: toBytes(token),
    top_logprobs: [
      { token, logprob: -0.25, bytes: toBytes(token) },
      { token: token.toUpperCase(), logprob: -2.5, bytes: toBytes(token.toUpperCase()) },
    ],
  }));
  return { content, refusal: null };
}

/** Legacy completions logprobs; `offset`: where the first token starts in the whole text. */
export function makeTextLogprobs(tokens: readonly string[], offset = 0): Record<string, unknown[]> {
  const starts = tokens.map((_, i) => offset + tokens.slice(0, i).join('').length);
  return {
    tokens: [...tokens],
    token_logprobs: tokens.map(() => -0.25),
    top_logprobs: tokens.map((token) => ({ [token]: -0.25, [token.toUpperCase()]: -2.5 })),
    text_offset: starts,
  };
}

/** The pieces `body` reveals, as text or as a run of byte values ("106,97,…"), in any case. */
export function findSpelledPieces(body: string, pieces: readonly string[]): string[] {
  const lower = body.toLowerCase();
  const compact = body.replace(/\s/g, '');
  const spellings = (piece: string): string[] => [piece, piece.toLowerCase(), piece.toUpperCase()].map((p) => toBytes(p).join(','));
  return pieces.filter((piece) => lower.includes(piece.toLowerCase()) || spellings(piece).some((bytes) => compact.includes(bytes)));
}
