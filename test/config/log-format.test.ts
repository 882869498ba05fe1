import { describe, expect, test } from 'vitest';
import { loadErrors, loadOk, loadWarnings, yamlOf } from './config-test-helpers.js';

const M = ['models:', '  m:', '    cmd: srv --port ${PORT}'];

describe('logFormat and logTimeFormat', () => {
  test('llama-swap time format names match in any case; "" means no timestamp', () => {
    expect(loadOk(yamlOf('logTimeFormat: " RFC3339 "', ...M)).config.logTimeFormat).toBe('rfc3339');
    expect(loadOk(yamlOf('logTimeFormat: StampMilli', ...M)).config.logTimeFormat).toBe('stampmilli');
    expect(loadOk(yamlOf('logTimeFormat: ""', ...M)).config.logTimeFormat).toBe('none');
    expect(loadOk(yamlOf(...M)).config).toMatchObject({ logFormat: 'auto', logTimeFormat: 'default' });
  });

  test('an unknown time format is a warning naming the known ones, and the default applies', () => {
    const text = yamlOf('logTimeFormat: iso', ...M);
    expect(loadOk(text).config.logTimeFormat).toBe('default');
    expect(loadWarnings(text)).toEqual([
      'config.yaml:1:16 logTimeFormat: unknown format "iso" (expected "" or one of ansic, unixdate, rubydate, rfc822, rfc822z, ' +
        'rfc850, rfc1123, rfc1123z, rfc3339, rfc3339nano, kitchen, stamp, stampmilli, stampmicro, stampnano); using the default',
    ]);
  });

  test('logFormat is auto, json or pretty', () => {
    expect(loadOk(yamlOf('logFormat: pretty', ...M)).config.logFormat).toBe('pretty');
    expect(loadErrors(yamlOf('logFormat: text', ...M))).toEqual([expect.stringMatching(/^config\.yaml:1:12 logFormat: .*"text"/)]);
  });
});
