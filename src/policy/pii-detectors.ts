// PII detectors: a regex proposes candidates, a validator (Luhn, mod-97, SSN ranges, digit
// counts, entropy) keeps the real ones. Patterns never match across a newline, and only match
// across a space between digit/uppercase groups — the stream window relies on that.
import type { PiiPattern } from '../config/types.js';
import { findMatches } from './find-matches.js';
import { IBAN_LENGTHS, hasKnownCardPrefix, isIbanChecksumValid, isLuhnValid } from './checksums.js';

export interface PiiMatch {
  readonly pattern: PiiPattern;
  readonly start: number;
  readonly end: number;
}

interface Probe {
  /** Global; with `valueGroup`, also "d" (indices): the label before the value is not PII. */
  readonly regex: RegExp;
  readonly valueGroup?: number;
  /** Length of the valid value at the candidate's start (a candidate may overshoot), or 0. */
  accept(candidate: string): number;
}

const all = (ok: boolean, candidate: string): number => (ok ? candidate.length : 0);
const countDigits = (text: string): number => text.replace(/\D/g, '').length;

function acceptEmail(c: string): number {
  const local = c.slice(0, c.indexOf('@'));
  return all(c.length <= 254 && !local.endsWith('.') && !local.includes('..'), c);
}

function isValidSsnDigits(d: string): boolean {
  const area = Number(d.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

/** Tries the whole candidate, then shorter runs of its groups ("4111 1111 1111 1111 12/25"). */
function acceptCard(c: string): number {
  // Candidates are digits with single spaces or dashes between them; mixing the two is no card.
  const hasSpace = c.includes(' ');
  const hasDash = c.includes('-');
  if (hasSpace && hasDash) return 0;
  const separator = hasSpace ? ' ' : hasDash ? '-' : '';
  const groups = separator === '' ? [c] : c.split(separator);
  for (let k = groups.length; k >= 1; k--) {
    const used = k === groups.length ? groups : groups.slice(0, k);
    const digits = used.join('');
    const groupsOk = k === 1 ? separator === '' || digits.length <= 7 : used[0]?.length === 4
      && used.every((g, i) => i === 0 || (g.length >= 3 && g.length <= 7));
    if (digits.length >= 13 && digits.length <= 19 && groupsOk && hasKnownCardPrefix(digits) && isLuhnValid(digits)) {
      return digits.length + (k - 1) * separator.length;
    }
  }
  return 0;
}

function acceptPhone(c: string): number {
  const digits = countDigits(c);
  if (c.startsWith('+')) return all(digits >= 8 && digits <= 15, c);
  if (c.startsWith('00')) return all(digits - 2 >= 8 && digits - 2 <= 15, c);
  return all(digits >= 9 && digits <= 11, c);
}

/** Takes exactly the country's IBAN length; spaces only between groups of four. */
function acceptIban(c: string): number {
  const length = IBAN_LENGTHS[c.slice(0, 2)];
  if (length === undefined) return 0;
  let alnum = 0;
  let i = 0;
  for (; i < c.length && alnum < length; i++) {
    if (c[i] === ' ') {
      if (alnum % 4 !== 0) return 0;
    } else {
      alnum++;
    }
  }
  if (alnum < length || (i < c.length && c[i] !== ' ')) return 0;
  return isIbanChecksumValid(c.slice(0, i).replace(/ /g, '')) ? i : 0;
}

function getEntropyBits(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

const hasDigitAndLetter = (text: string): boolean => /\d/.test(text) && /[A-Za-z]/.test(text);

function acceptLabelledSecret(c: string): number {
  const value = c.replace(/\.+$/, '');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return value.length >= 16 && classes >= 2 && getEntropyBits(value) >= 3 ? value.length : 0;
}

const KEY_EDGE_BEFORE = '(?<![A-Za-z0-9_-])';
const KEY_EDGE_AFTER = '(?![A-Za-z0-9_-])';
const key = (body: string, accept: (c: string) => number = (c) => c.length): Probe => ({
  regex: new RegExp(`${KEY_EDGE_BEFORE}${body}${KEY_EDGE_AFTER}`, 'g'),
  accept,
});
const LABELS =
  'api[_-]?key|apikey|access[_-]?key|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|' +
  'refresh[_-]?token|private[_-]?key|token|secret|password|passwd';

/** What one pass over a text learns, so most detectors can be skipped without running a regex. */
interface TextFacts {
  readonly text: string;
  readonly digits: number;
}

function countAsciiDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) n++;
  }
  return n;
}

/** Necessary conditions only: false means no probe of the detector could accept anything. */
type Screen = (facts: TextFacts) => boolean;
// The shortest key or labelled value is 15 such characters (xoxb- plus 10).
const KEY_RUN = /[\w\-./+=~]{15}/;
const IBAN_START = /[A-Z]{2}\d{2}/;

/** In priority order: when two candidates overlap, the earlier detector wins. */
const DETECTORS: ReadonlyArray<readonly [PiiPattern, Screen, readonly Probe[]]> = [
  ['api_key', (f) => KEY_RUN.test(f.text), [
    key('sk-(?:proj|svcacct|admin|or-v1|ant-[a-z]+\\d*)-[A-Za-z0-9_-]{20,256}', (c) => all(/\d/.test(c.slice(8)), c)),
    key('sk-[A-Za-z0-9]{20,256}', (c) => all(hasDigitAndLetter(c.slice(3)), c)),
    key('gh[pousr]_[A-Za-z0-9]{36,255}'),
    key('github_pat_[A-Za-z0-9_]{22,255}'),
    key('xox[bpa]-[A-Za-z0-9-]{10,255}', (c) => all(/\d/.test(c.slice(5)), c)),
    key('(?:AKIA|ASIA)[0-9A-Z]{16}'),
    key('AIza[0-9A-Za-z_-]{35}'),
    key('hf_[A-Za-z0-9]{30,255}'),
    key('glpat-[A-Za-z0-9_-]{20,255}'),
    key('(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}'),
    {
      regex: new RegExp(`(?:\\b(?:${LABELS})["']?[ \\t]{0,3}[:=][ \\t]{0,3}["']?|\\bbearer[ \\t]{1,3})([A-Za-z0-9_\\-./+=~]{16,512})`, 'dgi'),
      valueGroup: 1,
      accept: acceptLabelledSecret,
    },
  ]],
  ['email', (f) => f.text.includes('@'), [{
    regex: /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g,
    accept: acceptEmail,
  }]],
  ['iban', (f) => IBAN_START.test(f.text), [{ regex: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,32}(?![A-Za-z0-9])/g, accept: acceptIban }]],
  ['credit_card', (f) => f.digits >= 13, [{ regex: /(?<![\w-]|\d[.,])\d(?:[ -]?\d){12,18}(?![\w-]|[.,]\d)/g, accept: acceptCard }]],
  ['ssn', (f) => f.digits >= 9, [
    { regex: /(?<![\w.-])\d{3}([- ])\d{2}\1\d{4}(?![\w-]|\.\d)/g, accept: (c) => all(isValidSsnDigits(c.replace(/\D/g, '')), c) },
    {
      regex: /\b(?:ssn|social security(?: number)?)[ \t]{0,2}(?:#|no\.?)?[ \t]{0,2}[:=]?[ \t]{0,2}(\d{9})(?![\w-])/dgi,
      valueGroup: 1,
      accept: (c) => all(isValidSsnDigits(c), c),
    },
  ]],
  // Every accepted number has at least 8 digits (acceptPhone).
  ['phone', (f) => f.digits >= 8, [{
    regex: new RegExp(
      '(?<![\\w+.\\-/:])(?:' +
        [
          '(?:\\+?1[ .-]?)?(?:\\([2-9]\\d{2}\\) ?|[2-9]\\d{2}[ .-])\\d{3}[ .-]\\d{4}', // NANP
          '(?:\\+|00)[1-9]\\d{0,3}(?:[ .-]?(?:\\(\\d{1,4}\\)|\\d{1,5})){1,6}', // international
          '0\\d{1,4}(?:[ -]\\d{3,4}){2}', // national trunk prefix (UK, KR, …)
        ].join('|') +
        ')(?![\\w/:]|[.-]\\d)',
      'g',
    ),
    accept: acceptPhone,
  }]],
  ['ipv4', (f) => f.digits >= 4 && f.text.includes('.'), [{
    regex: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g,
    accept: (c) => c.length,
  }]],
];

/** The longest value any detector accepts (labelled secrets); the stream window keeps at least this. */
export const MAX_PII_MATCH_CHARS = 512;

/** Matches for the wanted patterns, sorted by start and never overlapping. */
export function findPii(text: string, patterns: readonly PiiPattern[]): PiiMatch[] {
  const accepted: PiiMatch[] = [];
  const facts: TextFacts = { text, digits: countAsciiDigits(text) };
  for (const [pattern, mayMatch, probes] of DETECTORS) {
    if (!patterns.includes(pattern) || !mayMatch(facts)) continue;
    for (const probe of probes) {
      for (const m of findMatches(probe.regex, text)) {
        const group = probe.valueGroup;
        const value = group === undefined ? m[0] : (m[group] ?? '');
        const start = group === undefined ? m.index : (m.indices?.[group]?.[0] ?? m.index);
        const length = probe.accept(value);
        if (length > 0) insertIfFree(accepted, { pattern, start, end: start + length });
      }
    }
  }
  return accepted;
}

function insertIfFree(sorted: PiiMatch[], match: PiiMatch): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as PiiMatch).start < match.start) lo = mid + 1;
    else hi = mid;
  }
  const before = sorted[lo - 1];
  const after = sorted[lo];
  if (before && before.end > match.start) return;
  if (after && after.start < match.end) return;
  sorted.splice(lo, 0, match);
}
