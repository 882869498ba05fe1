// Non-streamed answers: every text a client reads is governed (Anthropic thinking, Responses
// reasoning and refusals, chat refusals), and logprobs never spell out a text that changed.
import { describe, expect, it } from 'vitest';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import { findSpelledPieces, makeChatLogprobs, makeTextLogprobs } from '../helpers/token-logprobs.js';
import { CTX, lengthRule, makePolicy, piiRule } from './policy-helpers.js';

const EMAIL_PIECES = ['jane.d', 'oe@exam', 'ple.com'];
const TOKENS = ['mail ', ...EMAIL_PIECES, ' ok'];

function inspect(body: unknown, rules = [piiRule(['email'], 'redact', ['response'])]): unknown {
  const engine = createPolicyEngine({ policies: [makePolicy('p', rules)] });
  const verdict = engine.inspectResponseJson(CTX, body);
  expect(verdict.blocked).toBeNull();
  return verdict.body;
}

describe('inspectResponseJson: logprobs of rewritten text', () => {
  it('drops the logprobs of a redacted chat choice and keeps those of an untouched one', () => {
    const body = {
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: TOKENS.join('') }, logprobs: makeChatLogprobs(TOKENS), finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'nothing here' }, logprobs: makeChatLogprobs(['nothing', ' here']), finish_reason: 'stop' },
      ],
    };
    const out = inspect(body);
    expect(out).toMatchObject({ choices: [{ message: { content: 'mail [REDACTED:email] ok' }, logprobs: null }, { logprobs: body.choices[1]?.logprobs }] });
    expect(findSpelledPieces(JSON.stringify(body), EMAIL_PIECES)).toEqual(EMAIL_PIECES);
    expect(findSpelledPieces(JSON.stringify(out), EMAIL_PIECES)).toEqual([]);
  });

  it('drops completions logprobs of a redacted or truncated choice', () => {
    const redacted = inspect({ object: 'text_completion', choices: [{ index: 0, text: TOKENS.join(''), logprobs: makeTextLogprobs(TOKENS), finish_reason: 'stop' }] });
    expect(redacted).toEqual({ object: 'text_completion', choices: [{ index: 0, text: 'mail [REDACTED:email] ok', logprobs: null, finish_reason: 'stop' }] });
    const tokens = ['one ', 'two ', 'three ', 'four'];
    const truncated = inspect({ choices: [{ index: 0, text: tokens.join(''), logprobs: makeTextLogprobs(tokens), finish_reason: 'stop' }] }, [lengthRule(2)]);
    expect(truncated).toEqual({ choices: [{ index: 0, text: 'one two ', logprobs: null, finish_reason: 'length' }] });
  });

  it('empties llama-server completion_probabilities once a text changed', () => {
    const probabilities = TOKENS.map((token) => ({ id: 1, token, logprob: -0.25, bytes: [...Buffer.from(token)], top_logprobs: [] }));
    const out = inspect({ choices: [{ index: 0, message: { role: 'assistant', content: TOKENS.join('') }, finish_reason: 'stop' }], completion_probabilities: probabilities });
    expect(out).toMatchObject({ completion_probabilities: [] });
    expect(findSpelledPieces(JSON.stringify(out), EMAIL_PIECES)).toEqual([]);
  });

  it('leaves logprobs alone when no text changed (same body back)', () => {
    const body = { choices: [{ index: 0, message: { role: 'assistant', content: 'hello there' }, logprobs: makeChatLogprobs(['hello', ' there']), finish_reason: 'stop' }] };
    expect(inspect(body)).toBe(body);
  });
});

describe('inspectResponseJson: every text a client reads', () => {
  it('redacts Anthropic thinking blocks, leaving redacted_thinking data and signatures alone', () => {
    const body = {
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'the user is jane.doe@example.com', signature: 'sig-1' },
        { type: 'redacted_thinking', data: 'opaque-bob@corp.io' },
        { type: 'text', text: 'write to jane.doe@example.com' },
      ],
    };
    expect(inspect(body)).toEqual({
      ...body,
      content: [
        { type: 'thinking', thinking: 'the user is [REDACTED:email]', signature: 'sig-1' },
        { type: 'redacted_thinking', data: 'opaque-bob@corp.io' },
        { type: 'text', text: 'write to [REDACTED:email]' },
      ],
    });
  });

  it('redacts Responses reasoning (summary and text), refusals and output_text parts, dropping their logprobs', () => {
    const body = {
      object: 'response',
      output: [
        {
          id: 'rs_1',
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'asked about bob@corp.io' }],
          content: [{ type: 'reasoning_text', text: 'bob@corp.io wants mail' }],
        },
        {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          content: [
            { type: 'output_text', text: TOKENS.join(''), annotations: [], logprobs: makeChatLogprobs(TOKENS).content },
            { type: 'refusal', refusal: 'not telling bob@corp.io' },
          ],
        },
      ],
      output_text: TOKENS.join(''),
    };
    expect(inspect(body)).toEqual({
      object: 'response',
      output: [
        {
          id: 'rs_1',
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'asked about [REDACTED:email]' }],
          content: [{ type: 'reasoning_text', text: '[REDACTED:email] wants mail' }],
        },
        {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'mail [REDACTED:email] ok', annotations: [], logprobs: [] },
            { type: 'refusal', refusal: 'not telling [REDACTED:email]' },
          ],
        },
      ],
      output_text: 'mail [REDACTED:email] ok',
    });
  });

  it('redacts a chat refusal', () => {
    const out = inspect({ choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I will not mail a@b.io' }, finish_reason: 'stop' }] });
    expect(out).toMatchObject({ choices: [{ message: { content: null, refusal: 'I will not mail [REDACTED:email]' } }] });
  });
});
