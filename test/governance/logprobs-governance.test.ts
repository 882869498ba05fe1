// A redacted chat answer asked for with logprobs, through the daemon with the official openai
// client: neither the JSON answer nor the stream spells out any piece of the e-mail address,
// in the text or token by token (tokens, runner-ups, bytes) anywhere in the body.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../src/config/types.js';
import { makeModel } from '../helpers/model-config.js';
import { findSpelledPieces } from '../helpers/token-logprobs.js';
import { startGoverned, type GovernedHarness } from './governance-harness.js';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.js';

const POLICIES: PolicyConfig[] = [
  { id: 'privacy', description: null, models: ['scripted/*'], rules: [{ type: 'pii_detection', action: 'redact', appliesTo: ['response'], patterns: ['email'] }] },
];
const EMAIL_PIECES = ['jane.d', 'oe@exam', 'ple.com'];
const REQUEST = { model: 'writer', messages: [{ role: 'user' as const, content: 'hi' }], logprobs: true, top_logprobs: 2 };

describe('logprobs of a redacted answer (openai client)', () => {
  let upstream: ScriptedUpstream;
  let h: GovernedHarness;
  let client: OpenAI;
  /** Every response body the client received, as raw text. */
  const bodies: Promise<string>[] = [];
  beforeAll(async () => {
    upstream = await startScriptedUpstream({ pieces: ['mail ', ...EMAIL_PIECES, ' ok'] });
    h = await startGoverned({ models: [makeModel('local')], config: { peers: [upstream.peer('scripted', ['writer'])], policies: POLICIES } });
    const fetchAndKeep = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const res = await fetch(input, init);
      bodies.push(res.clone().text());
      return res;
    };
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'unused', maxRetries: 0, fetch: fetchAndKeep });
  });
  afterAll(async () => {
    await h.close();
    await upstream.close();
  });

  it('the upstream spells the address out token by token (what the proxy must hide)', async () => {
    const direct = await fetch(`${upstream.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(REQUEST) });
    const text = await direct.text();
    expect(JSON.parse(text)).toMatchObject({ choices: [{ logprobs: { content: expect.any(Array) } }] });
    expect(findSpelledPieces(text.replaceAll('jane.doe@example.com', ''), EMAIL_PIECES)).toEqual(EMAIL_PIECES);
  });

  it('a JSON answer comes back redacted with logprobs null, and no piece of the address in its body', async () => {
    const completion = await client.chat.completions.create(REQUEST);
    expect(findSpelledPieces(await bodies.at(-1)!, EMAIL_PIECES)).toEqual([]);
    expect(completion.choices[0]?.message.content).toBe('mail [REDACTED:email] ok');
    expect(completion.choices[0]?.logprobs).toBeNull();
  });

  it('a streamed answer keeps the logprobs of the text before the address, and no piece of it in its body', async () => {
    const stream = await client.chat.completions.create({ ...REQUEST, stream: true });
    let text = '';
    const tokens: string[] = [];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        tokens.push(...(choice.logprobs?.content ?? []).map((t) => t.token));
      }
    }
    expect(findSpelledPieces(await bodies.at(-1)!, EMAIL_PIECES)).toEqual([]);
    expect(text).toBe('mail [REDACTED:email] ok');
    expect(tokens).toEqual(['mail ']);
    expect(upstream.seen.at(-1)?.body).toMatchObject({ logprobs: true, top_logprobs: 2, stream: true });
  });
});
