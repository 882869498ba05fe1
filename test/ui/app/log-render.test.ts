// Log lines as the Logs page shows them: ANSI colours as classes and CSSOM styles on text segments
// (never HTML: a <script> in a log stays text), pino records as readable lines, level filter, search.
import { describe, expect, it } from 'vitest';
import { ansiToSegments, stripAnsi } from '../../../ui/src/lib/ansi';
import { guessLevel, readLogLine } from '../../../ui/src/lib/log-line';
import { compileSearch, filterLines, selectChannel } from '../../../ui/src/state/log-view';

describe('ANSI rendering', () => {
  it('turns SGR codes into classes (16 colours) and styles (bold, 256 colours) on text segments', () => {
    expect(ansiToSegments('\x1b[32mok\x1b[0m done')).toEqual([{ text: 'ok', className: 'ansi-green-fg' }, { text: ' done' }]);
    expect(ansiToSegments('\x1b[1;31mbad\x1b[0m')).toEqual([{ text: 'bad', className: 'ansi-red-fg', style: { fontWeight: 'bold' } }]);
    expect(ansiToSegments('\x1b[38;5;208mhot')).toEqual([{ text: 'hot', style: { color: 'rgb(255,135,0)' } }]);
    expect(ansiToSegments('plain')).toEqual([{ text: 'plain' }]);
    expect(ansiToSegments('')).toEqual([]);
  });

  it('keeps HTML in a log as text: no markup in any segment, entities read back', () => {
    const line = '\x1b[33m<script>alert("x")</script>\x1b[0m & <img src=x onerror=alert(1)> \'q\'';
    const segments = ansiToSegments(line);
    expect(segments.map((s) => s.text).join('')).toBe('<script>alert("x")</script> & <img src=x onerror=alert(1)> \'q\'');
    expect(segments[0]).toEqual({ text: '<script>alert("x")</script>', className: 'ansi-yellow-fg' });
    expect(ansiToSegments('<b>no ANSI</b>')).toEqual([{ text: '<b>no ANSI</b>' }]);
  });

  it('does not carry a colour over to the next line, and strips codes for search', () => {
    expect(ansiToSegments('\x1b[31mred without reset')).toEqual([{ text: 'red without reset', className: 'ansi-red-fg' }]);
    expect(ansiToSegments('next')).toEqual([{ text: 'next' }]);
    expect(stripAnsi('\x1b[1;32mready\x1b[0m in 2 s')).toBe('ready in 2 s');
  });
});

describe('proxy records', () => {
  const time = new Date(2026, 11, 5, 14, 3, 7, 9).getTime();

  it('read as "time LEVEL [model] request-id message key=value"', () => {
    const line = JSON.stringify({ level: 30, time, msg: 'request', reqId: 'r-1', model: 'alpha', method: 'POST', path: '/v1/chat/completions', status: 200, note: 'two words' });
    expect(readLogLine(line)).toEqual({ time: '14:03:07.009', level: 'info', text: '[alpha] r-1 request method=POST path=/v1/chat/completions status=200 note="two words"', more: [] });
  });

  it('put an error stack and a log tail on lines below, and an event record says only its message', () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (a.ts:1:1)' };
    const line = JSON.stringify({ level: 50, time, msg: 'model "b" exited during start', event: 'model.failed', model: 'b', err, logTail: ['last words'], exitCode: 3 });
    expect(readLogLine(line)).toEqual({
      time: '14:03:07.009',
      level: 'error',
      text: '[b] model "b" exited during start',
      more: ['    Error: boom', '        at x (a.ts:1:1)', '    | last words'],
    });
  });

  it('leave other lines as they are, with a level guessed from their words', () => {
    expect(readLogLine('srv  load_model: loading')).toEqual({ time: '', level: null, text: 'srv  load_model: loading', more: [] });
    expect(readLogLine('{"not":"pino"}').text).toBe('{"not":"pino"}');
    expect([guessLevel('E failed to open file'), guessLevel('WARNING: low memory'), guessLevel('all good')]).toEqual(['error', 'warn', null]);
  });
});

describe('log view', () => {
  const logs = {
    proxy: [
      { seq: 1, text: JSON.stringify({ level: 30, time: 0, msg: 'request', path: '/v1/models' }) },
      { seq: 3, text: JSON.stringify({ level: 40, time: 0, msg: 'slow client' }) },
    ],
    upstream: [
      { seq: 2, text: '[alpha] \x1b[32mREADY\x1b[0m 5800' },
      { seq: 4, text: '[beta] error: cannot bind' },
    ],
  };

  it('cuts one model out of the upstream channel', () => {
    expect(selectChannel(logs, 'alpha').map((l) => [l.seq, l.plain])).toEqual([[2, 'READY 5800']]);
    expect(selectChannel(logs, 'upstream')).toHaveLength(2);
  });

  it('filters by minimum level, text or /regex/, and after a clear', () => {
    const proxy = selectChannel(logs, 'proxy');
    const all = (): boolean => true;
    expect(filterLines(proxy, 'warn', all).map((l) => l.seq)).toEqual([3]);
    expect(filterLines(proxy, '', compileSearch('V1/MODELS') ?? all).map((l) => l.seq)).toEqual([1]);
    expect(filterLines(proxy, '', compileSearch('/^\\S+ WARN/') ?? all).map((l) => l.seq)).toEqual([3]);
    expect(filterLines(proxy, '', all, 1).map((l) => l.seq)).toEqual([3]);
    expect(filterLines(selectChannel(logs, 'upstream'), 'error', all).map((l) => l.seq)).toEqual([4]);
    expect(compileSearch('/(/')).toBeNull();
  });
});
