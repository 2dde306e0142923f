import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/errors.ts';
import { runCli } from '../support/run-cli.ts';
import { SMALL_WORLD, writeWorld } from '../support/small-world.ts';

const withTraces = (traces: string) => ({ 'config/evacuation.yaml': `${SMALL_WORLD['config/evacuation.yaml']}${traces}` });

describe('evacuation.yaml traces', () => {
  test('defaults to service.name and cloud.region, with no device rules', () => {
    const result = loadConfig(writeWorld().configDir);
    expect(result.ok && result.data.evacuation.traces).toEqual({
      deviceType: { userAgent: [] },
      regionAttribute: 'cloud.region',
      serviceAttribute: 'service.name',
    });
  });

  test('accepts the rules of the issue, (?i) included', () => {
    const world = writeWorld(
      withTraces(`traces:
  deviceType:
    attribute: app.device.type
    userAgent:
      - {match: "(?i)android", device: android}
      - {match: "(?i)iphone|ipad|ios", device: ios}
  regionAttribute: aws.region
  serviceAttribute: service.name
`),
    );
    const result = loadConfig(world.configDir);
    expect(result.ok && result.data.evacuation.traces.deviceType.userAgent).toHaveLength(2);
    expect(result.ok && result.data.evacuation.traces.regionAttribute).toBe('aws.region');
  });

  test('rejects a regex that does not compile, naming the field and line (exit 2)', async () => {
    const world = writeWorld(
      withTraces(`traces:
  deviceType:
    userAgent:
      - {match: "(?i)android", device: android}
      - {match: "(?i)iphone(", device: ios}
`),
    );
    const result = loadConfig(world.configDir);
    const issues = result.ok ? [] : result.issues.map((i) => formatIssue(i).replace(world.root, ''));
    expect(issues).toHaveLength(1);
    // The bad rule is the 5th line of the appended text.
    const line = (SMALL_WORLD['config/evacuation.yaml'] as string).split('\n').length - 1 + 5;
    expect(issues[0]).toMatch(new RegExp(`^/config/evacuation.yaml:${line}: traces.deviceType.userAgent.1.match: not a valid regular expression`));
    const run = await runCli(['validate', '--config', world.configDir, '--no-data']);
    expect(run.code).toBe(2);
  });
});
