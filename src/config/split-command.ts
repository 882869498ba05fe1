// cmd / cmdStop text → argv, split the way a POSIX shell splits words, without running a shell:
// no pipes, no globbing, no $VAR expansion. Lines whose first non-blank character is # are
// comments (llama-swap allows them in block scalars).
import { SwapgateError } from '../shared/errors.js';

export type CommandSyntaxProblem = 'unterminated_single_quote' | 'unterminated_double_quote';

export class CommandSyntaxError extends SwapgateError {
  readonly problem: CommandSyntaxProblem;
  /** Offset in the comment-free text where the unterminated quote opened. */
  readonly offset: number;

  constructor(problem: CommandSyntaxProblem, offset: number) {
    const quote = problem === 'unterminated_single_quote' ? 'single' : 'double';
    super('config_invalid', `unterminated ${quote} quote in command`, { status: 500, type: 'server_error' });
    this.name = 'CommandSyntaxError';
    this.problem = problem;
    this.offset = offset;
  }
}

/** Drops `#` comment lines; a line ending in a backslash continues even with trailing blanks. */
export function stripCommandComments(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .map((line) => (/(^|[^\\])(\\\\)*\\\s+$/.test(line) ? line.trimEnd() : line))
    .join('\n');
}

export function splitCommand(text: string): string[] {
  const source = stripCommandComments(text);
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = source.indexOf("'", i + 1);
      if (end === -1) throw new CommandSyntaxError('unterminated_single_quote', i);
      word += source.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      const [text, next] = readDoubleQuoted(source, i);
      word += text;
      inWord = true;
      i = next;
    } else if (ch === '\\') {
      const next = source[i + 1];
      // backslash-newline joins lines; a lone trailing backslash is dropped
      if (next !== undefined && next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

// Inside "...", a backslash only escapes " \ $ ` and newline (POSIX).
function readDoubleQuoted(source: string, open: number): [string, number] {
  let out = '';
  let i = open + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"') return [out, i + 1];
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === '\n') {
        i += 2;
        continue;
      }
      if (next === '"' || next === '\\' || next === '$' || next === '`') {
        out += next;
        i += 2;
        continue;
      }
    }
    out += ch ?? '';
    i++;
  }
  throw new CommandSyntaxError('unterminated_double_quote', open);
}
