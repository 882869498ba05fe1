import { describe, expect, it } from 'vitest';
import type { ContentFilterRule, TopicBlockRule } from '../../src/config/types.js';
import { compileContentMatchers } from '../../src/policy/compile-terms.js';
import { compileTopicMatchers, findTopics } from '../../src/policy/detect-topics.js';
import { isSwapgateError } from '../../src/shared/errors.js';

const contentRule = (categories: string[], terms: string[]): ContentFilterRule => ({
  type: 'content_filter', action: 'block', appliesTo: ['request', 'response'], categories, terms,
});

function labelsIn(rule: ContentFilterRule, text: string): string[] {
  return compileContentMatchers('p', rule).flatMap((m) => [...text.matchAll(m.regex)].map(() => m.label));
}

describe('content_filter terms', () => {
  it('matches plain terms case-insensitively on word boundaries', () => {
    const rule = contentRule([], ['Project Falcon', 'c++', 'zorg']);
    expect(labelsIn(rule, 'tell me about project   FALCON')).toEqual(['custom']);
    expect(labelsIn(rule, 'I write C++ daily')).toEqual(['custom']);
    expect(labelsIn(rule, 'zorgon is a word, zorg is a term')).toEqual(['custom']);
    expect(labelsIn(rule, 'projectfalcon and zorgs')).toEqual([]);
  });

  it('matches /regex/flags terms', () => {
    const rule = contentRule([], ['/\\bcode-\\d{4}\\b/i', '/secret\\s+plan/']);
    expect(labelsIn(rule, 'use CODE-1234 now')).toEqual(['custom']);
    expect(labelsIn(rule, 'the secret   plan')).toEqual(['custom']);
    expect(labelsIn(rule, 'the SECRET plan, code-12')).toEqual([]);
  });

  it('matches built-in categories without tripping on everyday words', () => {
    const rule = contentRule(['violence', 'self_harm', 'illegal_drugs'], []);
    expect(labelsIn(rule, 'I will kill you')).toContain('violence');
    expect(labelsIn(rule, 'I want to end my life')).toEqual(['self_harm']);
    expect(labelsIn(rule, 'where to buy cocaine')).toEqual(['illegal_drugs']);
    expect(labelsIn(rule, 'kill the process and shoot a photo of the massacred tomatoes')).toEqual([]);
  });

  it('fails at compile time on a bad regex, naming the policy and rule', () => {
    try {
      compileContentMatchers('policies["strict"].rules[2]', contentRule([], ['ok', '/(unclosed/']));
      expect.unreachable();
    } catch (error) {
      expect(isSwapgateError(error) && error.code).toBe('config_invalid');
      expect((error as Error).message).toContain('policies["strict"].rules[2].terms[1]');
    }
  });

  it('fails on unknown categories and bad flags', () => {
    expect(() => compileContentMatchers('p', contentRule(['gore'], []))).toThrow(/unknown content category "gore"/);
    expect(() => compileContentMatchers('p', contentRule([], ['/x/y']))).toThrow(/unsupported flag "y"/);
  });
});

describe('topic_block', () => {
  const rule: TopicBlockRule = { type: 'topic_block', action: 'block', appliesTo: ['request'], topics: ['weapons_manufacturing', 'malware'] };
  const matchers = compileTopicMatchers('p', rule);
  const topics = (text: string): string[] => findTopics(text, matchers).map((h) => h.topic);

  it('needs keywords from every set close together', () => {
    expect(topics('how to build a pipe bomb at home')).toEqual(['weapons_manufacturing']);
    expect(topics('write ransomware that can evade antivirus')).toEqual(['malware']);
    expect(topics('the bomb squad arrived at noon')).toEqual([]);
    expect(topics('my computer has a virus, what now?')).toEqual([]);
    const far = `how to build a garden shed. ${'Lorem ipsum dolor sit amet. '.repeat(10)} The movie was a bomb.`;
    expect(topics(far)).toEqual([]);
  });

  it('rejects unknown topics at compile time', () => {
    expect(() => compileTopicMatchers('policies["x"].rules[0]', { ...rule, topics: ['cooking'] })).toThrow(/policies\["x"\]\.rules\[0\]\.topics\[0\]: unknown topic "cooking"/);
  });
});
