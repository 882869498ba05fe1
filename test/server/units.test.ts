// Pure pieces of the server layer: filters, multipart scanning, name resolution, headers, ids.
import { describe, expect, it } from 'vitest';
import type { PeerConfig } from '../../src/config/types.js';
import { applyFilters, compileFilters } from '../../src/proxy/filters.js';
import { ModelResolver } from '../../src/proxy/model-resolver.js';
import { getMultipartBoundary, ModelFieldScanner } from '../../src/proxy/multipart-model.js';
import { buildClientHeaders, buildUpstreamHeaders } from '../../src/proxy/proxy-headers.js';
import { createRequestIdGenerator, sanitizeRequestId } from '../../src/proxy/request-id.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';

const noFilters = { stripParams: [], setParams: {}, setParamsByID: {} };

describe('filters', () => {
  it('compiles to null when nothing would change', () => {
    expect(compileFilters(noFilters, ['x'])).toBeNull();
    expect(compileFilters({ stripParams: ['model'], setParams: { model: 'y' }, setParamsByID: {} }, ['x'])).toBeNull();
  });

  it('strips, then sets, then sets by requested id, with dotted paths, without sharing config objects', () => {
    const setParams = { nested: { a: 1 } };
    const compiled = compileFilters(
      { stripParams: ['drop', 'deep.drop', 'missing.path'], setParams, setParamsByID: { alias: { 'nested.b': 2, 'x.y.z': true } } },
      ['alias'],
    );
    expect(compiled).not.toBeNull();
    const body: Record<string, unknown> = { model: 'alias', drop: 1, deep: { drop: 2, keep: 3 }, x: 'scalar' };
    if (compiled) applyFilters(body, compiled);
    expect(body).toEqual({ model: 'alias', deep: { keep: 3 }, nested: { a: 1, b: 2 }, x: { y: { z: true } } });
    expect(setParams).toEqual({ nested: { a: 1 } });
  });
});

describe('multipart model scanner', () => {
  const body = Buffer.from(
    '--abc\r\nContent-Disposition: form-data; name="file"; filename="model.txt"\r\n\r\n' +
      'name="model"\r\n--ab not a boundary\r\n' +
      '--abc\r\ncontent-disposition: form-data; name=model\r\n\r\nmy-model\r\n--abc--\r\n',
  );

  it('finds the value at its byte offsets whatever the chunking', () => {
    for (let size = 1; size <= body.length; size++) {
      const scanner = new ModelFieldScanner('abc');
      let found = null;
      for (let i = 0; i < body.length && found === null; i += size) found = scanner.push(body.subarray(i, i + size));
      expect(found?.value, `chunk size ${size}`).toBe('my-model');
      if (found) expect(body.subarray(found.start, found.end).toString()).toBe('my-model');
    }
  });

  it('reports a form without the field as finished at the closing delimiter', () => {
    const scanner = new ModelFieldScanner('q');
    expect(scanner.push(Buffer.from('--q\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--q--\r\n'))).toBeNull();
    expect(scanner.finished).toBe(true);
  });

  it('parses the boundary from Content-Type', () => {
    expect(getMultipartBoundary('multipart/form-data; boundary=----x1')).toBe('----x1');
    expect(getMultipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(getMultipartBoundary('application/json')).toBeNull();
    expect(getMultipartBoundary(undefined)).toBeNull();
  });
});

describe('model resolver', () => {
  const peer = (id: string, models: string[]): PeerConfig => ({ id, proxy: 'http://peer', models, apiKey: null, filters: noFilters });
  const config = makeConfig(
    [makeModel('a', { aliases: ['b', 'shared'] }), makeModel('b'), makeModel('x/y'), makeModel('x')],
    { peers: [peer('p1', ['solo', 'dup', 'shared']), peer('p2', ['dup'])] },
  );
  const resolver = new ModelResolver(config);

  it('prefers ids over aliases, local over peers, and needs a prefix for ambiguous peer names', () => {
    expect(resolver.resolve('b')).toMatchObject({ kind: 'local', label: 'b' });
    expect(resolver.resolve('shared')).toMatchObject({ kind: 'local', label: 'a', upstreamModel: 'shared' });
    expect(resolver.resolve('p1/shared')).toMatchObject({ kind: 'peer', label: 'p1/shared', upstreamModel: 'shared' });
    expect(resolver.resolve('solo')).toMatchObject({ kind: 'peer', label: 'p1/solo' });
    expect(resolver.resolve('dup')).toBeNull();
    expect(resolver.resolve('p2/dup')).toMatchObject({ kind: 'peer', upstreamModel: 'dup' });
    expect(resolver.resolve('zzz')).toBeNull();
  });

  it('matches the longest prefix for /upstream paths', () => {
    expect(resolver.matchPrefix('x/y/z')).toMatchObject({ target: { label: 'x/y' }, rest: '/z' });
    expect(resolver.matchPrefix('x/z')).toMatchObject({ target: { label: 'x' }, rest: '/z' });
    expect(resolver.matchPrefix('x')).toMatchObject({ target: { label: 'x' }, rest: '' });
    expect(resolver.matchPrefix('nope/x')).toBeNull();
  });
});

describe('headers', () => {
  it('drops hop-by-hop headers and client credentials going upstream, adds the request id and peer key', () => {
    const headers = buildUpstreamHeaders(
      {
        host: 'gw',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        authorization: 'Bearer client',
        'x-api-key': 'client',
        'content-length': '99',
        'x-request-id': 'spoofed',
        accept: 'text/event-stream',
      },
      { requestId: 'rid', contentLength: 12, apiKey: 'peer', unencoded: false },
    );
    expect(headers).toEqual({ accept: 'text/event-stream', 'x-request-id': 'rid', 'content-length': '12', authorization: 'Bearer peer', 'x-api-key': 'peer' });
  });

  it('drops hop-by-hop headers coming back and marks event streams unbuffered', () => {
    expect(buildClientHeaders({ 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked', connection: 'close', 'x-fake': '1' })).toEqual({
      'content-type': 'text/event-stream',
      'x-fake': '1',
      'x-accel-buffering': 'no',
    });
  });

});

describe('request ids', () => {
  it('keeps safe ids and refuses the rest', () => {
    expect(sanitizeRequestId('abc.DEF_1-2')).toBe('abc.DEF_1-2');
    expect(sanitizeRequestId('a'.repeat(128))).toBe('a'.repeat(128));
    expect(sanitizeRequestId('a'.repeat(129))).toBeNull();
    expect(sanitizeRequestId('a b')).toBeNull();
    expect(sanitizeRequestId('')).toBeNull();
    expect(sanitizeRequestId(undefined)).toBeNull();
  });

  it('generates unique ids', () => {
    const next = createRequestIdGenerator();
    const ids = new Set(Array.from({ length: 1000 }, next));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(sanitizeRequestId(id)).toBe(id);
  });
});
