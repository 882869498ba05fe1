import { describe, expect, it } from 'vitest';
import { namedEvent, responsesEvents } from '../helpers/scripted-sse.js';
import { contentRule, lengthRule, piiRule, splitAt } from '../policy/policy-helpers.js';
import { isEveryEventNamed, getDeltaText, governorFor, ofType, parseNamed, randomOffsets, run, type EventJson, type NamedEvent } from './stream-governor-harness.js';

type Part = { type: string; text: string };
type Item = { id: string; type: string; status: string; content: Part[] };
type ResponseObject = { status: string; output: Item[]; incomplete_details: { reason: string } | null };

const stream = (pieces: string[], more: Partial<Parameters<typeof responsesEvents>[0]> = {}): string[] => responsesEvents({ pieces, ...more });

/** Every place the finished message text shows up, which must all agree with the deltas. */
function getFinalTexts(events: readonly NamedEvent[]): string[] {
  const item = ofType(events, 'response.output_item.done').at(-1)?.item as Item;
  const completed = ofType(events, 'response.completed')[0]?.response as ResponseObject;
  return [
    ofType(events, 'response.output_text.done')[0]?.text as string,
    (ofType(events, 'response.content_part.done')[0]?.part as Part).text,
    item.content[0]?.text ?? '',
    completed.output.at(-1)?.content[0]?.text ?? '',
  ];
}

describe('stream governor, OpenAI Responses: redaction across chunks', () => {
  it('redacts an email split across 2 chunks, and every final copy of the text agrees', () => {
    const events = stream(['Contact me at john.doe@exa', 'mple.com for details.']);
    const governor = governorFor(piiRule(['email']));
    const head = Buffer.concat(governor.push(Buffer.from(events.slice(0, 5).join(''))));
    expect(getDeltaText(parseNamed(head))).toBe('Contact me at ');
    const out = Buffer.concat([head, run(governor, [Buffer.from(events.slice(5).join(''))]).out]);
    const all = parseNamed(out);
    const text = 'Contact me at [REDACTED:email] for details.';
    expect(getDeltaText(all)).toBe(text);
    expect(getFinalTexts(all)).toEqual([text, text, text, text]);
    expect(out.toString()).not.toMatch(/john|exa|mple\.com/);
    expect(isEveryEventNamed(all)).toBe(true);
    expect(governor.state).toBe('done');
    expect(governor.decisions()).toEqual([expect.objectContaining({ ruleType: 'pii_detection', action: 'redact', matches: 1, byPattern: { email: 1 } })]);
  });

  it('redacts an email split across 3 chunks, whatever the byte boundaries, in both llama-server and OpenAI shapes', () => {
    for (const indexed of [true, false]) {
      const bytes = Buffer.from(stream(['Schreib an jane.', 'doe@exam', 'ple.org, Grüße — ok'], { indexed }).join(''));
      for (let seed = 1; seed <= 20; seed++) {
        const { out } = run(governorFor(piiRule(['email'])), splitAt(bytes, randomOffsets(seed, bytes.length, 1 + (seed % 7))));
        const events = parseNamed(out);
        const text = 'Schreib an [REDACTED:email], Grüße — ok';
        expect(getDeltaText(events)).toBe(text);
        expect(getFinalTexts(events)).toEqual([text, text, text, text]);
        expect(out.toString()).not.toMatch(/jane|exam|ple\.org/);
      }
    }
  });

  it('sends held text as one more delta before output_text.done, numbered like it', () => {
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(stream(['bye a@b', '.io']).join(''))]);
    const events = parseNamed(out);
    expect(getDeltaText(events)).toBe('bye [REDACTED:email]');
    const types = events.map((e) => e.json.type);
    const done = types.indexOf('response.output_text.done');
    expect(types.lastIndexOf('response.output_text.delta')).toBe(done - 1);
    expect(events[done - 1]?.json).toMatchObject({ item_id: 'msg_1', output_index: 0, content_index: 0, sequence_number: events[done]?.json.sequence_number });
  });

  it('governs reasoning text and keeps its output item consistent (llama-server shape)', () => {
    const events = stream(['fine '], { thinking: ['mail bob@', 'corp.io first'], indexed: false });
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(events.join(''))]);
    const parsed = parseNamed(out);
    const reasoning = 'mail [REDACTED:email] first';
    expect(getDeltaText(parsed, 'response.reasoning_text.delta')).toBe(reasoning);
    expect((ofType(parsed, 'response.output_item.done')[0]?.item as Item).content[0]?.text).toBe(reasoning);
    expect((ofType(parsed, 'response.completed')[0]?.response as ResponseObject).output[0]?.content[0]?.text).toBe(reasoning);
  });

  it('redacts text that only ever arrives whole (no deltas)', () => {
    const response = { id: 'r', object: 'response', status: 'completed', output: [{ id: 'm', type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'write to a@b.io', annotations: [] }] }] };
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(namedEvent('response.completed', { response }))]);
    expect((ofType(parseNamed(out), 'response.completed')[0]?.response as ResponseObject).output[0]?.content[0]?.text).toBe('write to [REDACTED:email]');
  });

  it('passes events without text byte-identical, also in a stream it rewrites', () => {
    const clean = Buffer.from(stream(['Hello ', 'world, ', 'nothing here. ']).join(''));
    expect(run(governorFor(piiRule(['email'])), splitAt(clean, [7, 300, 301, 900])).out.equals(clean)).toBe(true);
    const events = stream(['write to a@', 'b.io now']);
    const { out } = run(governorFor(piiRule(['email'])), [Buffer.from(events.join(''))]);
    const untouched = events.filter((e) => !e.includes('a@') && !e.includes('b.io'));
    expect(untouched.map((e) => e.slice(7, e.indexOf('\n')))).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    for (const event of untouched) expect(out.includes(Buffer.from(event))).toBe(true);
  });
});

describe('stream governor, OpenAI Responses: ending the stream', () => {
  const lastSequence = (events: readonly string[]): number => (JSON.parse(events.at(-1)?.split('data: ')[1] ?? '{}') as EventJson & { sequence_number: number }).sequence_number;

  it('ends a blocked stream with response.incomplete (content_filter) and an error event', () => {
    const governor = governorFor(contentRule(['bomb']));
    const events = stream(['How to make a bo', 'mb at home', ' more text '], { hold: true });
    const first = Buffer.concat(governor.push(Buffer.from(events.slice(0, 5).join(''))));
    expect(getDeltaText(parseNamed(first))).toBe('How to make a ');
    const rest = parseNamed(Buffer.concat(governor.push(Buffer.from(events.slice(5).join('')))));
    expect(rest.map((e) => e.json.type)).toEqual(['response.incomplete', 'error']);
    expect(isEveryEventNamed(rest)).toBe(true);
    const response = rest[0]?.json.response as ResponseObject;
    expect(response).toMatchObject({ id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(response.output).toEqual([expect.objectContaining({ id: 'msg_1', status: 'incomplete', content: [{ type: 'output_text', text: 'How to make a ', annotations: [] }] })]);
    expect(rest[1]?.json).toEqual({ type: 'error', code: 'policy_violation', message: expect.stringContaining('"p"'), param: null, policy_id: 'p', rule_type: 'content_filter', sequence_number: lastSequence(events.slice(0, 6)) + 2 });
    expect(governor.state).toBe('blocked');
    expect(governor.push(Buffer.from(events.at(-1) ?? ''))).toEqual([]);
    expect(governor.end()).toEqual([]);
  });

  it('truncates with response.incomplete (max_output_tokens) once the token estimate passes the limit', () => {
    const governor = governorFor(piiRule(['email']), lengthRule(3));
    const bytes = Buffer.from(stream(['one ', 'two a@b.io', ' three ', 'four ', 'five ']).join(''));
    const events = parseNamed(run(governor, splitAt(bytes, [100, 700, 1400])).out);
    expect(getDeltaText(events)).toBe('one two [REDACTED:email] three ');
    expect(events.at(-1)?.json.type).toBe('response.incomplete');
    const response = events.at(-1)?.json.response as ResponseObject;
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(response.output[0]?.content[0]?.text).toBe('one two [REDACTED:email] three ');
    expect(ofType(events, 'response.completed')).toHaveLength(0);
    expect(ofType(events, 'error')).toHaveLength(0);
    expect(governor.state).toBe('truncated');
  });

  it('truncates when the reported usage passes the limit, replacing response.completed', () => {
    const governor = governorFor(lengthRule(10));
    const events = parseNamed(run(governor, [Buffer.from(stream(['a ', 'b '], { usage: { prompt_tokens: 1, completion_tokens: 50 } }).join(''))]).out);
    expect(events.at(-1)?.json).toMatchObject({ type: 'response.incomplete', response: { incomplete_details: { reason: 'max_output_tokens' } } });
    expect(ofType(events, 'response.completed')).toHaveLength(0);
  });
});
