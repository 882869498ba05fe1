// Turns content_filter categories and custom terms into regexes, once, at boot. A bad
// /regex/ term or an unknown category fails here with the policy id and rule index.
import type { ContentFilterRule } from '../config/types.js';
import { SwapgateError } from '../shared/errors.js';
import { CONTENT_CATEGORIES, isContentCategory } from './categories.js';

export interface TermMatcher {
  /** Category name, or "custom" for the rule's own terms. */
  readonly label: string;
  readonly regex: RegExp;
}

const EDGE_BEFORE = '(?<![\\p{L}\\p{N}_])';
const EDGE_AFTER = '(?![\\p{L}\\p{N}_])';
const REGEX_TERM = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = new Set(['i', 'm', 's', 'u', 'g']);

export function configError(message: string, cause?: unknown): SwapgateError {
  return new SwapgateError('config_invalid', message, { status: 500, type: 'server_error', cause });
}

function escapeTerm(term: string): string {
  return term.trim().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/\s+/g, '\\s+');
}

/** One alternation per label, longest first, matched case-insensitively on word edges. */
export function compileWordList(words: readonly string[]): RegExp {
  const body = [...words].sort((a, b) => b.length - a.length).map(escapeTerm).join('|');
  return new RegExp(`${EDGE_BEFORE}(?:${body})${EDGE_AFTER}`, 'giu');
}

function compileRegexTerm(where: string, term: string): RegExp {
  const parts = REGEX_TERM.exec(term);
  const source = parts?.[1] ?? '';
  const flags = parts?.[2] ?? '';
  const badFlag = [...flags].find((f) => !ALLOWED_FLAGS.has(f));
  if (badFlag !== undefined) throw configError(`${where}: unsupported flag "${badFlag}" in regular expression ${JSON.stringify(term)} (allowed: i, m, s, u)`);
  try {
    return new RegExp(source, [...new Set([...flags, 'g'])].join(''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw configError(`${where}: invalid regular expression ${JSON.stringify(term)}: ${reason}`, error);
  }
}

/** `where` names the rule, e.g. policies["no-pii"].rules[0]. */
export function compileContentMatchers(where: string, rule: ContentFilterRule): TermMatcher[] {
  const matchers: TermMatcher[] = [];
  rule.categories.forEach((category, index) => {
    if (!isContentCategory(category)) {
      const known = Object.keys(CONTENT_CATEGORIES).join(', ');
      throw configError(`${where}.categories[${index}]: unknown content category "${category}" (known: ${known})`);
    }
    matchers.push({ label: category, regex: compileWordList(CONTENT_CATEGORIES[category] ?? []) });
  });
  const plain: string[] = [];
  rule.terms.forEach((term, index) => {
    const at = `${where}.terms[${index}]`;
    if (term.trim() === '') throw configError(`${at}: empty term`);
    if (REGEX_TERM.test(term)) matchers.push({ label: 'custom', regex: compileRegexTerm(at, term) });
    else plain.push(term);
  });
  if (plain.length > 0) matchers.push({ label: 'custom', regex: compileWordList(plain) });
  return matchers;
}
