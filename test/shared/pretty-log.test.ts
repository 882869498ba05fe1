// Human lines through pino-pretty's API, from the records the real logger writes.
import { describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import { LogHub } from '../../src/shared/log-hub.js';
import type { LogTimeFormat } from '../../src/shared/log-time-format.js';
import { createPrettyFormatter } from '../../src/shared/pretty-log.js';

const ANSI = /\x1b\[[0-9;]*m/g;

/** A logger whose records are kept (as JSON lines) and a function rendering them as on a terminal. */
function capture(): { logger: Logger; records: string[] } {
  const records: string[] = [];
  const logger = createLogger({ level: 'debug', toStdout: false, destination: { write: (line: string) => void records.push(line) } });
  return { logger, records };
}

function render(records: string[], options: { colorize?: boolean; timeFormat?: LogTimeFormat } = {}): string {
  const format = createPrettyFormatter({ colorize: options.colorize ?? false, timeFormat: options.timeFormat ?? 'default' });
  return records.map(format).join('');
}

describe('human log lines', () => {
  it('one line per event: time, level, model, request id, message, the other fields as key=value', () => {
    const { logger, records } = capture();
    logger.info({ reqId: 'f00d-1', method: 'POST', path: '/v1/chat/completions', model: 'qwen', status: 200, duration_ms: 412, key_name: 'ci bot' }, 'request');
    logger.info({ event: 'model.ready', model: 'qwen', readyMs: 412, pid: 4242 }, 'qwen: ready in 412 ms');
    logger.warn({ model: 'qwen', code: 'x' }, 'something odd');
    expect(render(records).split('\n')).toEqual([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[qwen\] f00d-1 request method=POST path=\/v1\/chat\/completions status=200 duration_ms=412 key_name="ci bot"$/,
      ),
      // An event's message says it all (its fields are for machines), and names its model.
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: qwen: ready in 412 ms$/),
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[qwen\] something odd code=x$/),
      '',
    ]);
    expect(render(records)).not.toMatch(/[{}]/);
  });

  it('an error is its stack, line by line, never a JSON string with \\n in it', () => {
    const { logger, records } = capture();
    const error = Object.assign(new Error('disk full', { cause: new Error('ENOSPC') }), { code: 'audit_write' });
    logger.error({ err: error, model: 'a' }, 'audit write failed');
    const lines = render(records).split('\n');
    expect(lines[0]).toMatch(/ ERROR: \[a\] audit write failed$/);
    expect(lines[1]).toBe('    Error: disk full');
    expect(lines[2]).toMatch(/^ {8}at /);
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}caused by: Error: ENOSPC$/));
    expect(lines).toContainEqual('    code=audit_write');
    expect(render(records)).not.toContain('\\n');
  });

  it("an upstream's last output goes below its exit line, one line each", () => {
    const { logger, records } = capture();
    logger.warn({ event: 'model.exited', model: 'a', exitCode: 1, logTail: ['loading model', 'CUDA error: out of memory'] }, 'a: exited unexpectedly (code 1)');
    expect(render(records).split('\n')).toEqual([
      expect.stringMatching(/ WARN: a: exited unexpectedly \(code 1\)$/),
      '    | loading model',
      '    | CUDA error: out of memory',
      '',
    ]);
  });

  it('logTimeFormat: llama-swap names, or none', () => {
    const { logger, records } = capture();
    logger.info('hello');
    expect(render(records, { timeFormat: 'rfc3339' })).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\] INFO: hello\n$/);
    expect(render(records, { timeFormat: 'kitchen' })).toMatch(/^\[\d{1,2}:\d\d[AP]M\] INFO: hello\n$/);
    expect(render(records, { timeFormat: 'stampmilli' })).toMatch(/^\[[A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d\.\d{3}\] INFO: hello\n$/);
    expect(render(records, { timeFormat: 'none' })).toBe('INFO: hello\n');
  });

  it('colours only when asked', () => {
    const { logger, records } = capture();
    logger.info({ model: 'a', reqId: 'r-1' }, 'request');
    const coloured = render(records, { colorize: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, '')).toBe(render(records));
    expect(render(records)).not.toMatch(ANSI);
  });
});

describe('the LogHub "proxy" channel', () => {
  it('keeps JSON records whatever stdout gets', () => {
    const hub = new LogHub();
    const logger = createLogger({ level: 'info', toStdout: false, format: 'pretty', hub });
    logger.info({ event: 'model.starting', model: 'a' }, 'a: starting');
    expect(hub.history('proxy').map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 30, time: expect.any(Number), event: 'model.starting', model: 'a', msg: 'a: starting' },
    ]);
  });
});
