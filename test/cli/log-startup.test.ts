import { describe, expect, it } from 'vitest';
import { getServeUrls, logListening, logStartup } from '../../src/cli/log-startup.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';

function capture(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: createLogger({ level: 'info', toStdout: false, destination }), records };
}

describe('start-up lines', () => {
  it('version, config and model count, then where the API and the UI are', () => {
    const { logger, records } = capture();
    logStartup(logger, '1.2.3', '/etc/swapgate/config.yaml', 3);
    logListening(logger, '127.0.0.1', 8080, 0);
    expect(records).toEqual([
      expect.objectContaining({ level: 30, version: '1.2.3', config: '/etc/swapgate/config.yaml', models: 3, msg: 'swapgate 1.2.3 · config /etc/swapgate/config.yaml · 3 models' }),
      expect.objectContaining({ level: 30, listen: '127.0.0.1:8080', msg: 'API http://127.0.0.1:8080/v1  UI http://127.0.0.1:8080/ui/' }),
    ]);
  });

  it('the built-in demo says why it runs', () => {
    const { logger, records } = capture();
    logStartup(logger, '1.2.3', null, 1);
    expect(records[0]).toMatchObject({ config: 'embedded demo', msg: 'swapgate 1.2.3 · config built-in demo (no --config and no ./config.yaml) · 1 model' });
  });

  it('a non-loopback listen adds a warning (louder without API keys); loopback does not', () => {
    const { logger, records } = capture();
    logListening(logger, '0.0.0.0', 8080, 0);
    logListening(logger, '192.168.1.5', 8080, 2);
    logListening(logger, 'localhost', 8080, 0);
    logListening(logger, '::1', 8080, 0);
    expect(records.map((r) => [r.level, r.msg])).toEqual([
      [30, 'API http://127.0.0.1:8080/v1  UI http://127.0.0.1:8080/ui/'],
      [40, 'listening on 0.0.0.0:8080: reachable from other hosts, and no apiKeys are set: anyone who can connect can use it'],
      [30, 'API http://192.168.1.5:8080/v1  UI http://192.168.1.5:8080/ui/'],
      [40, 'listening on 192.168.1.5:8080: reachable from other hosts'],
      [30, 'API http://localhost:8080/v1  UI http://localhost:8080/ui/'],
      [30, 'API http://[::1]:8080/v1  UI http://[::1]:8080/ui/'],
    ]);
  });

  it('URLs for every kind of listen address', () => {
    expect(getServeUrls('::', 9000)).toEqual({ api: 'http://[::1]:9000/v1', ui: 'http://[::1]:9000/ui/', loopback: false });
    expect(getServeUrls('[::1]', 9000)).toMatchObject({ api: 'http://[::1]:9000/v1', loopback: true });
    expect(getServeUrls('127.0.0.2', 9000)).toMatchObject({ loopback: true });
    expect(getServeUrls('fe80::1', 9000)).toMatchObject({ api: 'http://[fe80::1]:9000/v1', loopback: false });
    expect(getServeUrls('127.0.0.1', 8443, 'https')).toEqual({ api: 'https://127.0.0.1:8443/v1', ui: 'https://127.0.0.1:8443/ui/', loopback: true });
  });
});
