import { describe, expect, it } from 'vitest';
import { anthropicEvents, namedEvent } from '../helpers/scripted-sse.js';
import { contentRule, lengthRule, piiRule, splitAt } from '../policy/policy-helpers.js';
import { isEveryEventNamed, getAnthropicText, governorFor, ofType, parseNamed, randomOffsets, run } from './stream-governor-harness.js';

const stream = (pieces: string[], more: Partial<Parameters<typeof anthropicEvents>[0]> = {}): string[] => anthropicEvents({ pieces, ...more });

describe('stream governor, Anthropic Messages: redaction across chunks', () => {
  it('redacts an email split across 2 chunks and releases the safe prefix at once', () => {
    const events = stream(['Contact me at john.doe@exa', 'mple.com for details.']);
    const governor = governorFor(piiRule(['email']));
    const head = Buffer.concat(governor.push(Buffer.from(events.slice(0, 4).join(''))));
    expect(getAnthropicText(parseNamed(head))).toBe('Contact me at ');
    const { out } = run(governor, [Buffer.from(events.slice(4).join(''))]);
    const all = parseNamed(Buffer.concat([head, out]));
    expect(getAnthropicText(all)).toBe('Contact me at [REDACTED:email] for details.');
    // "details." waits for a safe cut; it goes out as one more delta when the block stops.
    const deltas = Array<string>(3).fill('content_block_delta');
    expect(all.map((e) => e.json.type)).toEqual(['message_start', 'content_block_start', 'ping', ...deltas, 'content_block_stop', 'message_delta', 'message_stop']);
    expect(isEveryEventNamed(all)).toBe(true);
    expect(governor.state).toBe('done');
    expect(governor.decisions()).toEqual([expect.objectContaining({ ruleType: 'pii_detection', action: 'redact', direction: 'response', byPattern: { email: 1 } })]);
  });

  it('redacts an email split across 3 chunks, whatever the byte boundaries', () => {
    const bytes = Buffer.from(stream(['Schreib an jane.', 'doe@exam', 'ple.org, Grüße — ok']).join(''));
    for (let seed = 1; seed <= 30; seed++) {
      const governor = governorFor(piiRule(['email']));
      const { out } = run(governor, splitAt(bytes, randomOffsets(seed, bytes.length, 1 + (seed % 7))));
      expect(getAnthropicText(parseNamed(out))).toBe('Schreib an [REDACTED:email], Grüße — ok');
      expect(out.toString()).not.toMatch(/jane|exam|ple\.org/);
    }
  });

  it('releases text still held before its content_block_stop', () => {
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(stream(['bye a@b', '.io']).join(''))]);
    const events = parseNamed(out);
    expect(getAnthropicText(events)).toBe('bye [REDACTED:email]');
    const types = events.map((e) => e.json.type);
    expect(types.lastIndexOf('content_block_delta')).toBeLessThan(types.indexOf('content_block_stop'));
  });

  it('governs thinking blocks as their own stream of text', () => {
    const events = stream(['ok '], { thinking: ['mail bob@', 'corp.io first'] });
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(events.join(''))]);
    const parsed = parseNamed(out);
    expect(getAnthropicText(parsed, 'thinking')).toBe('mail [REDACTED:email] first');
    expect(getAnthropicText(parsed)).toBe('ok ');
  });

  it('passes events without text byte-identical, also in a stream it rewrites', () => {
    const clean = Buffer.from(stream(['Hello ', 'world, ', 'nothing here. ']).join(''));
    expect(run(governorFor(piiRule(['email'])), splitAt(clean, [7, 90, 91, 300])).out.equals(clean)).toBe(true);
    const events = stream(['write to a@', 'b.io now'], { thinking: ['hm '] });
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(events.join(''))]);
    const untouched = events.filter((e) => !e.includes('text_delta'));
    for (const event of untouched) expect(out.includes(Buffer.from(event))).toBe(true);
  });

  it('does not govern tool input (input_json_delta), as tool calls are not governed elsewhere', () => {
    const events = [
      namedEvent('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 't1', name: 'send', input: {} } }),
      namedEvent('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"to":"a@b.io"}' } }),
      namedEvent('content_block_stop', { index: 0 }),
    ].join('');
    expect(run(governorFor(piiRule(['email'])), [Buffer.from(events)]).out.toString()).toBe(events);
  });
});

describe('stream governor, Anthropic Messages: ending the stream', () => {
  it('ends a blocked stream with stop_reason "refusal", an error event and message_stop', () => {
    const governor = governorFor(contentRule(['bomb']));
    const events = stream(['How to make a bo', 'mb at home', ' more text ']);
    const first = Buffer.concat(governor.push(Buffer.from(events.slice(0, 4).join(''))));
    expect(getAnthropicText(parseNamed(first))).toBe('How to make a ');
    const second = parseNamed(Buffer.concat(governor.push(Buffer.from(events.slice(4).join('')))));
    expect(getAnthropicText(second)).toBe('');
    expect(second.map((e) => e.json.type)).toEqual(['content_block_stop', 'message_delta', 'error', 'message_stop']);
    expect(isEveryEventNamed(second)).toBe(true);
    expect(ofType(second, 'content_block_stop')[0]).toEqual({ type: 'content_block_stop', index: 0 });
    expect(ofType(second, 'message_delta')[0]).toMatchObject({ delta: { stop_reason: 'refusal', stop_sequence: null }, usage: { output_tokens: expect.any(Number) } });
    expect(ofType(second, 'error')[0]).toEqual({
      type: 'error',
      error: { type: 'policy_violation', code: 'policy_violation', message: expect.stringContaining('"p"'), policy_id: 'p', rule_type: 'content_filter' },
    });
    expect(governor.state).toBe('blocked');
    expect(governor.blocked?.ruleType).toBe('content_filter');
    expect(governor.push(Buffer.from(namedEvent('message_stop')))).toEqual([]);
    expect(governor.end()).toEqual([]);
  });

  it('truncates with stop_reason "max_tokens" once the token estimate passes the limit', () => {
    const governor = governorFor(piiRule(['email']), lengthRule(3));
    const bytes = Buffer.from(stream(['one ', 'two a@b.io', ' three ', 'four ', 'five ']).join(''));
    const events = parseNamed(run(governor, splitAt(bytes, [100, 250, 400])).out);
    expect(getAnthropicText(events)).toBe('one two [REDACTED:email] three ');
    expect(events.slice(-3).map((e) => e.json.type)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(ofType(events, 'message_delta')[0]).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(ofType(events, 'message_stop')).toHaveLength(1);
    expect(ofType(events, 'error')).toHaveLength(0);
    expect(governor.state).toBe('truncated');
    expect(governor.decisions()).toEqual(expect.arrayContaining([expect.objectContaining({ ruleType: 'response_length', action: 'truncate' })]));
  });
});
