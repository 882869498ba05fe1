// topic_block matching: one keyword from every set of a topic, close together.
import type { TopicBlockRule } from '../config/types.js';
import { compileWordList, configError } from './compile-terms.js';
import { findMatches } from './find-matches.js';
import { TOPIC_WINDOW_CHARS, TOPICS, isTopic } from './topics.js';

export interface TopicMatcher {
  readonly topic: string;
  readonly sets: readonly RegExp[];
}

export interface TopicHit {
  readonly topic: string;
  readonly start: number;
  readonly end: number;
}

export function compileTopicMatchers(where: string, rule: TopicBlockRule): TopicMatcher[] {
  return rule.topics.map((topic, index) => {
    if (!isTopic(topic)) {
      throw configError(`${where}.topics[${index}]: unknown topic "${topic}" (known: ${Object.keys(TOPICS).join(', ')})`);
    }
    return { topic, sets: (TOPICS[topic] ?? []).map(compileWordList) };
  });
}

interface Span {
  readonly start: number;
  readonly end: number;
}

function findSpans(text: string, regex: RegExp): Span[] {
  return findMatches(regex, text).map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** The tightest co-occurrence ending after `from` (so a streamed text reports each topic once). */
function findCooccurrence(spansPerSet: readonly Span[][], from: number): Span | null {
  const [first, ...rest] = spansPerSet;
  if (!first) return null;
  for (const anchor of first) {
    let start = anchor.start;
    let end = anchor.end;
    let complete = true;
    for (const spans of rest) {
      const near = spans.find((s) => Math.max(end, s.end) - Math.min(start, s.start) <= TOPIC_WINDOW_CHARS);
      if (!near) {
        complete = false;
        break;
      }
      start = Math.min(start, near.start);
      end = Math.max(end, near.end);
    }
    if (complete && end > from) return { start, end };
  }
  return null;
}

/** At most one hit per topic. */
export function findTopics(text: string, matchers: readonly TopicMatcher[], from = 0): TopicHit[] {
  const hits: TopicHit[] = [];
  for (const matcher of matchers) {
    // Every set must match: stop scanning at the first one that does not.
    const spansPerSet: Span[][] = [];
    for (const regex of matcher.sets) {
      const spans = findSpans(text, regex);
      if (spans.length === 0) break;
      spansPerSet.push(spans);
    }
    if (spansPerSet.length < matcher.sets.length) continue;
    const span = findCooccurrence(spansPerSet, from);
    if (span) hits.push({ topic: matcher.topic, ...span });
  }
  return hits;
}
