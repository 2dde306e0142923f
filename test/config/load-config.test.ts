import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/errors.ts';
import { SMALL_WORLD, writeWorld } from '../support/small-world.ts';

function issuesOf(changes: Record<string, string | null>): string[] {
  const world = writeWorld(changes);
  const result = loadConfig(world.configDir);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((i) => formatIssue(i).replace(world.root, ''));
}

describe('loadConfig', () => {
  test('loads the small world', () => {
    const result = loadConfig(writeWorld().configDir);
    expect(result.ok && result.data.services.map((s) => s.config.service)).toEqual(['authz', 'drm-fairplay']);
  });

  test('rejects an unknown region in steering, naming the file, field and line', () => {
    const issues = issuesOf({
      'config/evacuation.yaml': SMALL_WORLD['config/evacuation.yaml'].replace('eu-west-1: 0.2}', 'ap-south-1: 0.2}'),
    });
    expect(issues).toEqual([
      '/config/evacuation.yaml:5: steering.us-west-2.ap-south-1: unknown region "ap-south-1": expected one of us-east-1, us-west-2, eu-west-1',
    ]);
  });

  test('rejects steering fractions that sum above 1', () => {
    const issues = issuesOf({
      'config/evacuation.yaml': SMALL_WORLD['config/evacuation.yaml'].replace('us-east-1: 0.8', 'us-east-1: 0.9'),
    });
    expect(issues).toEqual(['/config/evacuation.yaml:5: steering.us-west-2: fractions sum to 1.1: expected at most 1']);
  });

  test('rejects a bucket width that does not divide the day', () => {
    const issues = issuesOf({ 'config/evacuation.yaml': SMALL_WORLD['config/evacuation.yaml'].replace('bucketMinutes: 60', 'bucketMinutes: 7') });
    expect(issues[0]).toMatch(/evacuation.yaml:2: bucketMinutes: a whole number of buckets per day/);
  });

  test('rejects a misspelt key in a service config', () => {
    const issues = issuesOf({ 'config/services/authz.yaml': `${SMALL_WORLD['config/services/authz.yaml']}headrom: 0.3\n` });
    expect(issues).toEqual(['/config/services/authz.yaml:9: headrom: unknown key: check the spelling (evac schema prints the allowed keys)']);
  });

  test('rejects a wrong type with the field path and line', () => {
    const issues = issuesOf({ 'config/services/authz.yaml': SMALL_WORLD['config/services/authz.yaml'].replace('headroom: 0.2', 'headroom: lots') });
    expect(issues).toEqual(['/config/services/authz.yaml:8: overrides.0.headroom: Invalid input: expected number, received string']);
  });

  test('rejects an override for a region that is not configured', () => {
    const issues = issuesOf({ 'config/services/authz.yaml': SMALL_WORLD['config/services/authz.yaml'].replace('region: eu-west-1', 'region: eu-north-1') });
    expect(issues).toEqual(['/config/services/authz.yaml: overrides.0.region: unknown region "eu-north-1": expected one of us-east-1, us-west-2, eu-west-1']);
  });

  test('reports YAML syntax errors with their line', () => {
    const issues = issuesOf({ 'config/services/authz.yaml': 'service: authz\n  bad: [\n' });
    expect(issues[0]).toMatch(/^\/config\/services\/authz.yaml:\d+: YAML syntax:/);
  });

  test('rejects a missing evacuation.yaml and a missing directory', () => {
    expect(issuesOf({ 'config/evacuation.yaml': null })).toEqual(['/config/evacuation.yaml: file not found']);
    const result = loadConfig('/nonexistent/evac-config');
    expect(result.ok).toBe(false);
  });
});
