import { describe, expect, test } from 'vitest';
import { AwsClients, endpointFor, parseEndpointFlags } from '../../../src/aws/clients.ts';

describe('parseEndpointFlags', () => {
  test('reads one URL for every region and REGION=URL for single regions', () => {
    expect(parseEndpointFlags(['http://127.0.0.1:5000', 'us-west-2=http://127.0.0.1:9'])).toEqual({
      ok: true,
      data: { all: 'http://127.0.0.1:5000', byRegion: { 'us-west-2': 'http://127.0.0.1:9' } },
    });
  });

  test('rejects what is not an http(s) URL, naming the flag and the expected form', () => {
    const result = parseEndpointFlags(['us-east-1=localhost:5000']);
    expect(result).toMatchObject({
      ok: false,
      issues: [{ file: '--endpoint-url', message: expect.stringMatching(/not an http\(s\) URL: expected URL or REGION=URL/) }],
    });
  });

  test('rejects two different all-region endpoints', () => {
    expect(parseEndpointFlags(['http://a:1', 'http://b:2']).ok).toBe(false);
  });
});

describe('endpointFor', () => {
  const overrides = { all: 'http://all:1', byRegion: { 'us-west-2': 'http://west:2' } };
  test('prefers the region endpoint, then the all-regions one, then AWS_ENDPOINT_URL', () => {
    expect(endpointFor('us-west-2', overrides, {})).toBe('http://west:2');
    expect(endpointFor('us-east-1', overrides, { AWS_ENDPOINT_URL: 'http://env:3' })).toBe('http://all:1');
    expect(endpointFor('us-east-1', { byRegion: {} }, { AWS_ENDPOINT_URL: 'http://env:3' })).toBe('http://env:3');
    expect(endpointFor('us-east-1', undefined, {})).toBeUndefined();
  });
});

describe('AwsClients', () => {
  test('builds one client per region with adaptive retries, the attempt cap, the endpoint and the profile', async () => {
    const clients = new AwsClients({ endpoints: { byRegion: { 'eu-west-1': 'http://127.0.0.1:4566' } }, maxAttempts: 6, profile: 'incident', env: {} });
    const cw = clients.cloudWatch('eu-west-1');
    expect(clients.cloudWatch('eu-west-1')).toBe(cw);
    expect(clients.cloudWatch('us-east-1')).not.toBe(cw);
    expect(await cw.config.maxAttempts()).toBe(6);
    const retryMode = cw.config.retryMode;
    expect(typeof retryMode === 'string' ? retryMode : await retryMode()).toBe('adaptive');
    expect(cw.config.profile).toBe('incident');
    const endpoint = await cw.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4566);
    clients.destroy();
  });
});
