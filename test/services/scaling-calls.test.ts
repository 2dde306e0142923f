import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { EvacError } from '../../src/errors.ts';
import type { MinMax, Scaler, TargetRef } from '../../src/scaling/scaler.ts';
import { readLiveTargets, runScalingCalls } from '../../src/services/scaling-calls.ts';

// A stand-in for the port (pure orchestration logic under test); the SDK's own behaviour is
// covered against moto in test/aws and with the real credential chain in test/safety/no-credentials.
const denied = () =>
  Object.assign(new Error('User is not authorized to perform: application-autoscaling:RegisterScalableTarget'), { name: 'AccessDeniedException' });
const target = (i: number): TargetRef => ({ serviceNamespace: 'ecs', resourceId: `service/prod/s${i}`, scalableDimension: 'ecs:service:DesiredCount' });

function scaler(overrides: Partial<Scaler>): Scaler {
  return {
    describeTargets: async () => new Map<string, MinMax>(),
    setCapacity: async () => {},
    ...overrides,
  } as Scaler;
}

describe('runScalingCalls', () => {
  test('makes no further call after one is refused for its credentials', async () => {
    let made = 0;
    const stateDir = mkdtempSync(path.join(tmpdir(), 'evac-calls-'));
    const calls = Array.from({ length: 12 }, (_, i) => ({
      region: 'us-east-1',
      service: `s${i}`,
      target: target(i),
      before: { min: 1, max: 10 },
      after: { min: 2, max: 10 },
      item: i,
    }));
    const results = await runScalingCalls({
      scaler: scaler({
        setCapacity: async () => {
          made += 1;
          throw denied();
        },
      }),
      calls,
      action: 'apply',
      stateDir,
      snapshotId: 'x',
      concurrency: 1,
      now: () => new Date('2026-11-23T10:00:00Z'),
    });
    expect(made).toBe(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(12);
    expect(results.filter((r) => !r.ok && r.error.startsWith('not attempted: an earlier call was refused (AccessDeniedException'))).toHaveLength(11);
    // Only the call made is in the audit log.
    expect(readFileSync(path.join(stateDir, 'audit.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('readLiveTargets', () => {
  test('a refused read is one exit-2 error naming the regions, not one failure per target', async () => {
    const read = readLiveTargets(
      scaler({
        describeTargets: async () => {
          throw denied();
        },
      }),
      [1, 2, 3].flatMap((i) => ['us-east-1', 'eu-west-1'].map((region) => ({ region, target: target(i) }))),
      1000,
    );
    await expect(read).rejects.toBeInstanceOf(EvacError);
    await expect(read).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(
        'AccessDeniedException: User is not authorized to perform: application-autoscaling:RegisterScalableTarget (eu-west-1, us-east-1)',
      ),
    });
  });
});
