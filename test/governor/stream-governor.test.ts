import { describe, expect, it } from 'vitest';
import { createStreamGovernorFor } from '../../src/governor/create-stream-governor.js';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import type { StreamGovernor } from '../../src/policy/types.js';
import { CTX, chatChunk, contentRule, getChoices, getContent, lengthRule, makePolicy, parseSse, piiRule, splitAt, sseStream } from '../policy/policy-helpers.js';

function governorFor(...rules: Parameters<typeof makePolicy>[1]): StreamGovernor {
  const governor = createStreamGovernorFor(createPolicyEngine({ policies: [makePolicy('p', rules)] }), CTX);
  if (!governor) throw new Error('expected a governor');
  return governor;
}

function run(governor: StreamGovernor, pieces: readonly Buffer[]): { out: Buffer; perPush: Buffer[] } {
  const perPush = pieces.map((piece) => Buffer.concat(governor.push(piece)));
  return { out: Buffer.concat([...perPush, ...governor.end()]), perPush };
}

/** Deterministic pseudo-random split points. */
function randomOffsets(seed: number, length: number, count: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 1 + (state % (length - 1));
  });
}

describe('stream governor: redaction across chunks', () => {
  it('redacts an email split across 2 SSE chunks and emits the safe prefix at once', () => {
    const governor = governorFor(piiRule(['email', 'credit_card']));
    const events = [sseStream([]).split('\n\n')[0] + '\n\n', chatChunk('Contact me at john.doe@exa'), chatChunk('mple.com for details.'), chatChunk(null, 'stop'), 'data: [DONE]\n\n'];
    const first = Buffer.concat(governor.push(Buffer.from(events[0]! + events[1]!)));
    expect(getContent(parseSse(first))).toBe('Contact me at ');
    const rest = Buffer.concat([...events.slice(2).flatMap((e) => governor.push(Buffer.from(e))), ...governor.end()]);
    const all = parseSse(Buffer.concat([first, rest]));
    expect(getContent(all)).toBe('Contact me at [REDACTED:email] for details.');
    expect(all.at(-1)?.data).toBe('[DONE]');
    expect(governor.decisions()).toEqual([expect.objectContaining({ ruleType: 'pii_detection', action: 'redact', direction: 'response', matches: 1, byPattern: { email: 1 } })]);
  });

  it('redacts a credit card split across 3 chunks, whatever the byte boundaries', () => {
    const bytes = Buffer.from(sseStream(['Card: 4111 1111', ' 1111 11', '11 thanks, Grüße — ok']));
    for (let seed = 1; seed <= 40; seed++) {
      const governor = governorFor(piiRule(['email', 'credit_card']));
      const { out } = run(governor, splitAt(bytes, randomOffsets(seed, bytes.length, 1 + (seed % 7))));
      expect(getContent(parseSse(out))).toBe('Card: [REDACTED:credit_card] thanks, Grüße — ok');
    }
  });

  it('splits inside a data: line and inside a UTF-8 sequence', () => {
    const bytes = Buffer.from(sseStream(['Schöne Grüße an ', 'anna@example.de', ' bis bald ']));
    const umlaut = bytes.indexOf(Buffer.from('ü')) + 1; // between the two bytes of "ü"
    const inData = bytes.indexOf(Buffer.from('anna@')) + 3;
    const governor = governorFor(piiRule(['email']));
    const { out } = run(governor, splitAt(bytes, [umlaut, inData, inData + 9]));
    expect(getContent(parseSse(out))).toBe('Schöne Grüße an [REDACTED:email] bis bald ');
  });

  it('passes events with nothing to change through byte-identical', () => {
    const input = Buffer.from(`: keep-alive\n\n${sseStream(['Hello ', 'world, ', 'nothing here. '])}`);
    const governor = governorFor(piiRule(['email']));
    const { out } = run(governor, splitAt(input, [5, 40, 41, 200]));
    expect(out.equals(input)).toBe(true);
  });

  it('flushes held text before [DONE] when no finish_reason came', () => {
    const input = Buffer.from(`${chatChunk('bye a@b.io')}data: [DONE]\n\n`);
    const { out } = run(governorFor(piiRule(['email'])), [input]);
    const events = parseSse(out);
    expect(getContent(events)).toBe('bye [REDACTED:email]');
    expect(events.at(-1)?.data).toBe('[DONE]');
  });

  it('flushes at upstream end without [DONE]', () => {
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(chatChunk('mail x@y.org'))]);
    expect(getContent(parseSse(out))).toBe('mail [REDACTED:email]');
  });

  it('redacts a labelled secret whose label went out in an earlier chunk', () => {
    const { out, perPush } = run(governorFor(piiRule(['api_key'])), [
      Buffer.from(chatChunk('set api_key: ')),
      Buffer.from(chatChunk('Zx8Kq2Lm9Pw4')),
      Buffer.from(chatChunk('Rt7Yv1Bn6Cs3 then retry')),
      Buffer.from(chatChunk(null, 'stop')),
    ]);
    expect(getContent(parseSse(perPush[0]!))).toBe('set api_key: ');
    expect(getContent(parseSse(out))).toBe('set api_key: [REDACTED:api_key] then retry');
  });

  it('monitor changes no text but records', () => {
    const governor = governorFor(piiRule(['email'], 'monitor'));
    const { out } = run(governor, [Buffer.from(sseStream(['ping a@b.io', ' now ']))]);
    expect(getContent(parseSse(out))).toBe('ping a@b.io now ');
    expect(governor.decisions()).toEqual([expect.objectContaining({ action: 'monitor', matches: 1 })]);
  });

  it('handles text_completion events', () => {
    const chunk = (text: string, finish: string | null = null): string =>
      `data: ${JSON.stringify({ id: 'c', object: 'text_completion', choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;
    const input = Buffer.from(chunk('ip is 10.0') + chunk('.0.1 ok') + chunk('', 'stop') + 'data: [DONE]\n\n');
    const { out } = run(governorFor(piiRule(['ipv4'])), splitAt(input, [30, 90]));
    expect(getContent(parseSse(out))).toBe('ip is [REDACTED:ipv4] ok');
  });
});

describe('stream governor: ending the stream', () => {
  it('ends with content_filter, an error event and [DONE] on a mid-stream block', () => {
    const governor = governorFor(contentRule(['bomb']));
    const first = Buffer.concat(governor.push(Buffer.from(chatChunk('How to make a bo'))));
    expect(getContent(parseSse(first))).toBe('How to make a ');
    const second = Buffer.concat(governor.push(Buffer.from(chatChunk('mb at home') + chatChunk(' more text '))));
    const events = parseSse(second);
    expect(getContent(events)).toBe('');
    expect(getChoices(events).at(-1)?.finish_reason).toBe('content_filter');
    const error = events.find((e) => e.event === 'error');
    expect(JSON.parse(error!.data)).toEqual({
      error: { type: 'policy_violation', code: 'policy_violation', message: expect.stringContaining('"p"'), policy_id: 'p', rule_type: 'content_filter' },
    });
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(governor.state).toBe('blocked');
    expect(governor.blocked?.policyId).toBe('p');
    expect(governor.push(Buffer.from(chatChunk('late ')))).toEqual([]);
    expect(governor.end()).toEqual([]);
  });

  it('truncates with finish_reason "length" once the token estimate passes the limit', () => {
    const governor = governorFor(lengthRule(3));
    const input = Buffer.from(sseStream(['one ', 'two ', 'three ', 'four ', 'five ']));
    const { out } = run(governor, splitAt(input, [100, 250, 400]));
    const events = parseSse(out);
    expect(getContent(events)).toBe('one two three ');
    expect(getChoices(events).at(-1)?.finish_reason).toBe('length');
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.filter((e) => e.data === '[DONE]')).toHaveLength(1);
    expect(governor.state).toBe('truncated');
    expect(governor.decisions()).toEqual([expect.objectContaining({ ruleType: 'response_length', action: 'truncate', direction: 'response' })]);
  });

  it('trusts usage.completion_tokens when chunks carry it', () => {
    const governor = governorFor(lengthRule(10));
    const input = Buffer.from(chatChunk('a', null, { usage: { completion_tokens: 5 } }) + chatChunk('b', null, { usage: { completion_tokens: 11 } }));
    const events = parseSse(run(governor, [input]).out);
    expect(getChoices(events).at(-1)?.finish_reason).toBe('length');
  });

  it('ignores a usage-only chunk after the answer finished', () => {
    const governor = governorFor(lengthRule(10));
    const input = Buffer.from(chatChunk('a') + chatChunk(null, 'stop') + chatChunk(null, null, { choices: [], usage: { completion_tokens: 50 } }) + 'data: [DONE]\n\n');
    const { out } = run(governor, [input]);
    expect(out.equals(input)).toBe(true);
    expect(governor.state).toBe('done');
  });

  it('keeps redacting while truncating', () => {
    const governor = governorFor(piiRule(['email']), lengthRule(2));
    const events = parseSse(run(governor, [Buffer.from(sseStream(['to a@b.io', ' x', ' y', ' z']))]).out);
    expect(getContent(events)).toBe('to [REDACTED:email] x');
    expect(getChoices(events).at(-1)?.finish_reason).toBe('length');
  });
});
