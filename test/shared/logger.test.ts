import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';

describe('logger', () => {
  it('redacts keys wherever a log call could carry one, and leaves other fields alone', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', toStdout: false, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    logger.info({ apiKey: 'sk-1', key: 'sk-2', authorization: 'Bearer sk-3', model: 'a' }, 'top');
    logger.info({ headers: { authorization: 'Bearer sk-4', 'x-api-key': 'sk-5', accept: '*/*' } }, 'headers');
    logger.info({ peer: { apiKey: 'sk-6', proxy: 'http://x' } }, 'peer');
    expect(JSON.stringify(lines)).not.toMatch(/sk-\d/);
    expect(lines[0]).toMatchObject({ apiKey: '[redacted]', key: '[redacted]', authorization: '[redacted]', model: 'a' });
    expect(lines[1]).toMatchObject({ headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' } });
    expect(lines[2]).toMatchObject({ peer: { apiKey: '[redacted]', proxy: 'http://x' } });
  });
});
