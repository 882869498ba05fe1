import { describe, expect, test } from 'vitest';
import { CommandSyntaxError, splitCommand } from '../../src/config/split-command.js';

describe('splitCommand', () => {
  test.each([
    ['plain words', 'llama-server --port 8080', ['llama-server', '--port', '8080']],
    ['runs of blanks and tabs', '  a \t b   c  ', ['a', 'b', 'c']],
    ['newlines separate words', 'a\nb\n\nc', ['a', 'b', 'c']],
    ['single quotes are literal', `a 'b c' 'd\\e "f" $g'`, ['a', 'b c', 'd\\e "f" $g']],
    ['double quotes keep blanks', 'a "b c"', ['a', 'b c']],
    ['double quotes escape " \\ $ `', 'x "q\\"q" "b\\\\s" "\\$HOME" "\\`t\\`"', ['x', 'q"q', 'b\\s', '$HOME', '`t`']],
    ['other backslashes in double quotes stay', '"a\\nb\\tc"', ['a\\nb\\tc']],
    ['quotes join with neighbours', `--model=/m/'my model'.gguf"x"`, ['--model=/m/my model.ggufx']],
    ['empty quotes make an empty word', `a '' "" b`, ['a', '', '', 'b']],
    ['unquoted backslash escapes the next char', 'a\\ b c\\"d \\\\e', ['a b', 'c"d', '\\e']],
    ['backslash-newline continues a line', 'llama-server \\\n  --port 1 \\\n  -m x', ['llama-server', '--port', '1', '-m', 'x']],
    ['continuation with trailing blanks after the backslash', 'a \\   \n  b', ['a', 'b']],
    ['backslash-newline inside a word joins it', 'ab\\\ncd', ['abcd']],
    ['backslash-newline inside double quotes disappears', '"ab\\\ncd"', ['abcd']],
    ['newline inside quotes is kept', `'a\nb'`, ['a\nb']],
    ['comment lines are dropped', '# start it\nllama-server\n  # --old-flag\n--port 1', ['llama-server', '--port', '1']],
    ['# inside a line is a normal character', 'a #b c#d', ['a', '#b', 'c#d']],
    ['no $VAR expansion, no pipes, no globbing', 'echo $HOME | grep * > out', ['echo', '$HOME', '|', 'grep', '*', '>', 'out']],
    ['placeholders pass through', 'srv --port ${PORT}', ['srv', '--port', '${PORT}']],
    ['CRLF line endings', 'a\r\nb\r\n', ['a', 'b']],
    ['empty text', '', []],
    ['only comments', '# nothing\n   # here', []],
    ['a trailing lone backslash is dropped', 'a b\\', ['a', 'b']],
  ])('%s', (_name, input, expected) => {
    expect(splitCommand(input)).toEqual(expected);
  });

  test.each([
    ['single', `a 'b c`, 'unterminated_single_quote', 2],
    ['double', 'a "b c', 'unterminated_double_quote', 2],
    ['double with an escaped closing quote', 'a "b\\"', 'unterminated_double_quote', 2],
  ])('unterminated %s quote is an error', (_name, input, problem, offset) => {
    let caught: unknown;
    try {
      splitCommand(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CommandSyntaxError);
    expect(caught).toMatchObject({ code: 'config_invalid', problem, offset });
  });
});
