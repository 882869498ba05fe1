// Prompt-injection heuristics. Each signal carries a weight; a text is an injection when the
// weights of its signals reach INJECTION_THRESHOLD. Strong phrasings ("ignore all previous
// instructions", "<|im_start|>system") score 1 alone; ambiguous ones ("developer mode",
// "pretend", a lone special token) need company, so "how do I enable developer mode on
// Android?" or "what is <|im_start|>?" pass. A signal quoted verbatim ("what does 'ignore
// previous instructions' mean?") counts half: people discussing attacks quote them.
import { findMatches } from './find-matches.js';

export const INJECTION_THRESHOLD = 1;

export interface InjectionSignal {
  readonly name: string;
  readonly weight: number;
  readonly start: number;
  readonly end: number;
}

interface SignalRule {
  readonly name: string;
  readonly regex: RegExp;
  readonly weight: number | ((match: string) => number);
  /** Most a signal contributes however often it appears. */
  readonly cap?: number;
}

const QUALIFIERS =
  'all|any|every|of|the|your|my|these|those|previous|prior|above|earlier|preceding|initial|original|system|developer|safety|existing|former|current';
const PROMPT_NOUNS =
  'system\\s+(?:prompt|message|instructions)|(?:initial|hidden|original|secret)\\s+(?:prompt|instructions)|instructions\\s+(?:above|you\\s+were\\s+given)|prompt\\s+above|pre-?prompt';
const RESTRICTIONS =
  'restrictions|limitations|limits|filters|censorship|content\\s+polic(?:y|ies)|ethical\\s+(?:guidelines|constraints)|morals|safety\\s+(?:guidelines|rules)|rules';

function weighIgnoreInstructions(match: string): number {
  const words = match.toLowerCase().split(/\s+/);
  if (words.some((w) => ['system', 'developer', 'your', 'all', 'above', 'any', 'every', 'previous', 'prior', 'earlier', 'preceding', 'initial', 'original'].includes(w))) {
    // "ignore my previous instructions" is a user revising their own request.
    return words.includes('my') ? 0.4 : 1;
  }
  return 0.6;
}

const SIGNALS: readonly SignalRule[] = [
  {
    name: 'ignore_instructions',
    regex: new RegExp(`\\b(?:ignore|disregard|forget|override|abandon)\\s+(?:(?:${QUALIFIERS})\\s+){1,4}(?:instructions?|prompts?|rules|directives?|guidelines|guardrails|constraints|programming)\\b`, 'gi'),
    weight: weighIgnoreInstructions,
  },
  { name: 'ignore_everything', regex: /\b(?:ignore|disregard|forget)\s+(?:everything|anything|all)\s+(?:above|before|previously|you(?:'ve|\s+have)\s+been\s+told)\b/gi, weight: 1 },
  { name: 'disregard_system_prompt', regex: /\b(?:ignore|disregard|forget)\s+(?:the\s+|your\s+|any\s+|all\s+)?(?:system\s+(?:prompt|message)|safety\s+(?:guidelines|filters?|rules)|content\s+polic(?:y|ies)|guardrails|ethical\s+guidelines)\b/gi, weight: 1 },
  { name: 'bypass_safety', regex: /\b(?:override|bypass|circumvent)\s+(?:the\s+|your\s+|any\s+|all\s+)?(?:system\s+(?:prompt|message)|safety\s+(?:guidelines|filters?|rules)|content\s+polic(?:y|ies)|guardrails)\b/gi, weight: 0.6 },
  { name: 'persona_override', regex: new RegExp(`\\byou\\s+are\\s+now\\s+(?:a\\s+|an\\s+|in\\s+)?(?:DAN\\b|unrestricted|unfiltered|uncensored|jailbroken|free\\s+from|no\\s+longer\\s+(?:bound|restricted)|developer\\s+mode|evil|without\\s+(?:any\\s+)?(?:${RESTRICTIONS}))`, 'gi'), weight: 1 },
  { name: 'do_anything_now', regex: /\bdo\s+anything\s+now\b/gi, weight: 0.8 },
  { name: 'dan_name', regex: /\bDAN\b/g, weight: 0.3, cap: 0.3 },
  { name: 'jailbreak_mode', regex: /\b(?:developer|dev|jailbreak|god|sudo)\s+mode\s+(?:enabled|activated|on(?=\s*(?:[.!:;,)\n]|$)))|\bjailbreak(?:ed)?\s+mode\b/gi, weight: 1 },
  { name: 'enable_mode', regex: /\b(?:enable|enter|activate|switch\s+to|turn\s+on)\s+(?:the\s+)?(?:developer|dev|god|debug|unrestricted|sudo)\s+mode\b/gi, weight: 0.5, cap: 0.5 },
  { name: 'no_restrictions_ai', regex: new RegExp(`\\b(?:you|yourself|an?\\s+ai|assistant|model|chatbot)\\b[^.\\n]{0,40}?\\b(?:without|no|free\\s+(?:of|from))\\s+(?:any\\s+)?(?:${RESTRICTIONS})\\b`, 'gi'), weight: 0.7, cap: 0.7 },
  { name: 'no_restrictions', regex: new RegExp(`\\b(?:without|no|free\\s+(?:of|from))\\s+(?:any\\s+)?(?:${RESTRICTIONS})\\b|\\b(?:unfiltered|uncensored|unrestricted)\\b`, 'gi'), weight: 0.3, cap: 0.3 },
  { name: 'roleplay', regex: /\b(?:pretend|imagine|act\s+as\s+if|role-?play|let'?s\s+play\s+a\s+game|stay\s+in\s+character)\b/gi, weight: 0.5, cap: 0.5 },
  { name: 'from_now_on', regex: /\bfrom\s+now\s+on,?\s+you\s+(?:will|are|must|shall)\b/gi, weight: 0.4, cap: 0.4 },
  { name: 'reveal_prompt', regex: new RegExp(`\\b(?:reveal|print|output|repeat|leak|dump|display|show(?:\\s+me)?|recite|disclose|expose|tell\\s+me)\\s+(?:me\\s+)?(?:your|the)\\s+(?:(?:full|entire|complete|original|initial|hidden|secret|exact|verbatim|whole)\\s+)*(?:${PROMPT_NOUNS})\\b`, 'gi'), weight: 1 },
  { name: 'ask_prompt', regex: new RegExp(`\\bwhat\\s+(?:is|are|was|were)\\s+(?:your|the)\\s+(?:(?:full|exact|original|initial|hidden|secret)\\s+)*(?:${PROMPT_NOUNS})\\b`, 'gi'), weight: 0.6, cap: 0.6 },
  { name: 'repeat_above', regex: /\brepeat\s+(?:everything|all|the\s+(?:text|words|lines))\s+(?:above|before)\b|\bwords\s+above\s+starting\s+with\b/gi, weight: 1 },
  { name: 'system_token_smuggling', regex: /<\|im_start\|>\s*system|<\|start_header_id\|>\s*system|<\|system\|>|<\/s>\s*(?:<s>\s*)?(?:\[INST\]|<<SYS>>|system\s*:|###\s*(?:system|instruction))/gi, weight: 1 },
  { name: 'special_token', regex: /<\|(?:im_start|im_end|endoftext|eot_id|start_header_id|end_header_id)\|>|<<\/?SYS>>|\[\/?INST\]/g, weight: 0.5, cap: 0.6 },
  { name: 'fake_role_header', regex: /(?:^|\n)[ \t]*(?:#{1,3}[ \t]*)?(?:system|\[system\]|<system>)[ \t]*:/gi, weight: 0.5, cap: 0.5 },
  { name: 'new_instructions', regex: /\b(?:new|updated|revised|real|actual)\s+(?:system\s+)?(?:instructions|rules|directives)\s*:/gi, weight: 0.6, cap: 0.6 },
  { name: 'decode_and_follow', regex: /\b(?:decode|decipher|translate)\b[^.\n]{0,60}\b(?:and|then)\s+(?:follow|execute|obey|run|act\s+on|do\s+(?:what|as)\s+it\s+says)\b/gi, weight: 0.6, cap: 0.6 },
];

const BASE64_BLOB = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{32,}={0,2}(?![A-Za-z0-9+/=])/g;
const QUOTES = `"'\`“”‘’«»`;

function isQuoted(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 2), start).trimStart();
  const after = text.slice(end, end + 2).trimEnd();
  return before.length > 0 && QUOTES.includes(before.at(-1) ?? '') && after.length > 0 && QUOTES.includes(after[0] ?? '');
}

function findPlainSignals(text: string): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  for (const rule of SIGNALS) {
    for (const m of findMatches(rule.regex, text)) {
      const base = typeof rule.weight === 'number' ? rule.weight : rule.weight(m[0]);
      const weight = isQuoted(text, m.index, m.index + m[0].length) ? base / 2 : base;
      signals.push({ name: rule.name, weight, start: m.index, end: m.index + m[0].length });
    }
  }
  return signals;
}

/** Base64 blobs that decode to readable text which itself scores as an instruction. */
function findEncodedSignals(text: string): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  for (const m of findMatches(BASE64_BLOB, text)) {
    const decoded = Buffer.from(m[0], 'base64').toString('latin1');
    const printable = decoded.replace(/[^\x20-\x7e\n\r\t]/g, '').length;
    if (decoded.length < 20 || printable / decoded.length < 0.9) continue;
    if (scoreSignals(findPlainSignals(decoded)) >= 0.6) {
      signals.push({ name: 'encoded_instructions', weight: 1, start: m.index, end: m.index + m[0].length });
    }
  }
  return signals;
}

/** Sum of weights, each signal name capped. */
export function scoreSignals(signals: readonly InjectionSignal[]): number {
  const byName = new Map<string, number>();
  for (const s of signals) byName.set(s.name, (byName.get(s.name) ?? 0) + s.weight);
  let total = 0;
  for (const [name, sum] of byName) {
    const cap = SIGNALS.find((r) => r.name === name)?.cap ?? Number.POSITIVE_INFINITY;
    total += Math.min(sum, cap);
  }
  return total;
}

export function findInjectionSignals(text: string): InjectionSignal[] {
  return [...findPlainSignals(text), ...findEncodedSignals(text)];
}

/** Signals ending after `from` (streamed text reports each once), or [] when below threshold. */
export function detectPromptInjection(text: string, from = 0): InjectionSignal[] {
  const signals = findInjectionSignals(text).filter((s) => s.end > from);
  return scoreSignals(signals) >= INJECTION_THRESHOLD ? signals : [];
}
