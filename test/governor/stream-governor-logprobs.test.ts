// Logprobs in governed chat/completions streams go out only with their text, verbatim: held
// while their text is held, merged into the chunk that releases it, dropped for the rest of a
// choice from its first redaction on.
import { describe, expect, it } from 'vitest';
import { findSpelledPieces, makeChatLogprobs, makeTextLogprobs } from '../helpers/token-logprobs.js';
import { getContent, lengthRule, parseSse, piiRule, splitAt, type ParsedEvent } from '../policy/policy-helpers.js';
import { governorFor, randomOffsets, run } from './stream-governor-harness.js';

const EMAIL_PIECES = ['jane.d', 'oe@exam', 'ple.com'];

type Choice = Record<string, unknown>;

/** A chat chunk for one token (its logprobs with it), or a finish chunk (null). */
function tokenChunk(token: string | null, more: Choice = {}): string {
  const choice = token === null ? { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' } : { index: 0, delta: { content: token }, logprobs: makeChatLogprobs([token]), finish_reason: null };
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ ...choice, ...more }] })}\n\n`;
}

function chatStream(tokens: readonly string[]): Buffer {
  return Buffer.from([...tokens.map((t) => tokenChunk(t)), tokenChunk(null), 'data: [DONE]\n\n'].join(''));
}

/** Per chunk, the tokens its choices' logprobs carry (chat content or completions tokens). */
function getTokensPerChunk(events: readonly ParsedEvent[]): string[][] {
  return events
    .filter((e) => e.event === null && e.data !== '[DONE]')
    .map((e) =>
      (JSON.parse(e.data) as { choices: Choice[] }).choices.flatMap((choice) => {
        const logprobs = choice.logprobs as { content?: { token: string }[]; tokens?: string[] } | null | undefined;
        return logprobs?.content?.map((t) => t.token) ?? logprobs?.tokens ?? [];
      }),
    );
}

describe('stream governor: logprobs', () => {
  it('never sends the tokens of a redacted email, whatever the byte boundaries', () => {
    const tokens = ['Hi ', 'there, ', 'mail ', ...EMAIL_PIECES, ' ok ', 'bye'];
    const bytes = chatStream(tokens);
    for (let seed = 1; seed <= 20; seed++) {
      const { out } = run(governorFor(piiRule(['email'])), splitAt(bytes, randomOffsets(seed, bytes.length, 1 + (seed % 5))));
      const events = parseSse(out);
      expect(getContent(events)).toBe('Hi there, mail [REDACTED:email] ok bye');
      // What went out is the token list of the text before the email; nothing after it.
      expect(getTokensPerChunk(events).flat()).toEqual(['Hi ', 'there, ', 'mail ']);
      expect(findSpelledPieces(out.toString(), EMAIL_PIECES)).toEqual([]);
    }
  });

  it('holds the logprobs of held text and sends them with the chunk that releases it, when nothing changed', () => {
    const tokens = ['Hello', ' world', '.\n', 'Next', ' line'];
    const { out, perPush } = run(governorFor(piiRule(['email'])), [...tokens.map((t) => Buffer.from(tokenChunk(t))), Buffer.from(tokenChunk(null))]);
    const perChunk = perPush.map((bytes) => getTokensPerChunk(parseSse(bytes)).flat());
    expect(perChunk).toEqual([[], [], ['Hello', ' world', '.\n'], [], [], ['Next', ' line']]);
    expect(getContent(parseSse(out))).toBe('Hello world.\nNext line');
  });

  it('merges held completions logprobs list by list, offsets intact', () => {
    const chunk = (text: string, offset: number | null, finish: string | null = null): string =>
      `data: ${JSON.stringify({ id: 'c', object: 'text_completion', choices: [{ index: 0, text, logprobs: offset === null ? null : makeTextLogprobs([text], offset), finish_reason: finish }] })}\n\n`;
    const input = Buffer.from(chunk('ip', 0) + chunk(' is', 2) + chunk(' fine', 5) + chunk('', null, 'stop') + 'data: [DONE]\n\n');
    const events = parseSse(run(governorFor(piiRule(['ipv4'])), [input]).out);
    const last = JSON.parse(events.at(-2)?.data ?? '{}') as { choices: { text: string; logprobs: unknown }[] };
    expect(last.choices[0]?.logprobs).toEqual({ tokens: ['ip', ' is', ' fine'], token_logprobs: [-0.25, -0.25, -0.25], top_logprobs: expect.any(Array), text_offset: [0, 2, 5] });
    expect(getContent(events)).toBe('ip is fine');
  });

  it('empties llama-server completion_probabilities of a chunk whose text is held', () => {
    const probabilities = (token: string): Choice => ({ completion_probabilities: [{ token, logprob: -0.25, top_logprobs: [] }] });
    const chunk = (token: string): string => tokenChunk(token).replace(/}\n\n$/, `,${JSON.stringify(probabilities(token)).slice(1)}\n\n`);
    const input = Buffer.from(['write ', 'jane.d', 'oe@exam', 'ple.com'].map(chunk).join('') + tokenChunk(null) + 'data: [DONE]\n\n');
    const { out } = run(governorFor(piiRule(['email'])), [input]);
    expect(getContent(parseSse(out))).toBe('write [REDACTED:email]');
    expect(out.toString()).toContain('"completion_probabilities":[{"token":"write "');
    expect(findSpelledPieces(out.toString(), EMAIL_PIECES)).toEqual([]);
  });

  it('passes logprobs through byte-identical when text goes out as it came', () => {
    const withText = chatStream(['Hello ', 'world, ', 'nothing here. ']);
    expect(run(governorFor(piiRule(['email'])), [withText]).out.equals(withText)).toBe(true);
    const lengthOnly = chatStream(['Hello', ' world']);
    expect(run(governorFor(lengthRule(100)), [lengthOnly]).out.equals(lengthOnly)).toBe(true);
  });

  it('governs streamed chat refusals like content', () => {
    const refusal = (text: string): string => tokenChunk('').replace('"delta":{"content":""}', `"delta":${JSON.stringify({ refusal: text })}`);
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(refusal('not mailing a@b') + refusal('.io today') + tokenChunk(null))]);
    const refusals = parseSse(out).flatMap((e) => (JSON.parse(e.data) as { choices: { delta: { refusal?: string } }[] }).choices.map((c) => c.delta.refusal ?? ''));
    expect(refusals.join('')).toBe('not mailing [REDACTED:email] today');
  });
});
