import { describe, expect, it } from 'vitest';
import { resolveRunTarget, substituteStopArgv } from '../../src/process/substitute-placeholders.js';
import { makeModel } from '../helpers/model-config.js';

describe('placeholders', () => {
  it('fills ${PORT} in cmd, proxy and checkEndpoint', () => {
    const model = makeModel('m', {
      cmd: ['llama-server', '--port', '${PORT}', '--alias=m-${PORT}'],
      proxy: 'http://127.0.0.1:${PORT}/',
      checkEndpoint: '/health?p=${PORT}',
    });
    expect(resolveRunTarget(model, 5801)).toEqual({
      argv: ['llama-server', '--port', '5801', '--alias=m-5801'],
      baseUrl: 'http://127.0.0.1:5801',
      healthUrl: 'http://127.0.0.1:5801/health?p=5801',
    });
  });

  it('leaves text alone without a port, and has no health URL without checkEndpoint', () => {
    const model = makeModel('m', { cmd: ['srv'], proxy: 'http://host:9000', checkEndpoint: null, usesPort: false });
    expect(resolveRunTarget(model, null)).toEqual({ argv: ['srv'], baseUrl: 'http://host:9000', healthUrl: null });
    expect(resolveRunTarget({ ...model, checkEndpoint: 'v1/models' }, null).healthUrl).toBe('http://host:9000/v1/models');
  });

  it('fills ${PID} and ${PORT} in cmdStop', () => {
    expect(substituteStopArgv(['kill', '-TERM', '${PID}', ':${PORT}'], 1234, 5800)).toEqual(['kill', '-TERM', '1234', ':5800']);
  });
});
