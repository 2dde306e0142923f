import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { AwsClients } from '../../src/aws/clients.ts';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import { ensureMoto, type MotoServer, startMoto, TEST_CREDENTIALS } from '../support/moto-server.ts';

let moto: MotoServer;
let proxy: FaultProxy;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({ target: moto.url, seed: 7 });
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(() => {
  proxy.setRules([]);
  proxy.resetCounts();
});

function clients(maxAttempts: number, callTimeoutMs = 5000): AwsClients {
  return new AwsClients({ endpoints: { all: proxy.url, byRegion: {} }, credentials: TEST_CREDENTIALS, maxAttempts, callTimeoutMs });
}

const describeEcs = new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' });
const getMetricData = () =>
  new GetMetricDataCommand({
    StartTime: new Date(Date.now() - 3_600_000),
    EndTime: new Date(Date.now() + 60_000),
    MetricDataQueries: [{ Id: 'q0', MetricStat: { Metric: { Namespace: 'Evac/Test', MetricName: 'Harness' }, Period: 60, Stat: 'Sum' } }],
  });

describe('moto server', () => {
  test('answers the SDK clients on a loopback port', async () => {
    expect(moto.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const c = new AwsClients({ endpoints: { all: moto.url, byRegion: {} }, credentials: TEST_CREDENTIALS });
    await c
      .cloudWatch('eu-west-1')
      .send(new PutMetricDataCommand({ Namespace: 'Evac/Test', MetricData: [{ MetricName: 'Harness', Value: 3, Timestamp: new Date() }] }));
    const result = await c.cloudWatch('eu-west-1').send(getMetricData());
    expect(result.MetricDataResults?.[0]?.Values).toEqual([3]);
    c.destroy();
  });
});

describe('fault proxy', () => {
  test('counts requests per API from the X-Amz-Target header', async () => {
    const c = clients(1);
    await c.autoScaling('us-east-1').send(describeEcs);
    await c.autoScaling('us-east-1').send(describeEcs);
    await c.cloudWatch('us-east-1').send(getMetricData());
    expect(proxy.counts()).toEqual({ DescribeScalableTargets: 2, GetMetricData: 1 });
    c.destroy();
  });

  test('injected throttling parses as ThrottlingException for Application Auto Scaling', async () => {
    proxy.setRules([{ api: 'DescribeScalableTargets', fault: 'throttle' }]);
    const c = clients(1);
    const error = await c
      .autoScaling('us-east-1')
      .send(describeEcs)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    c.destroy();
  });

  test("injected throttling parses as CloudWatch's query-compatible Throttling code", async () => {
    proxy.setRules([{ api: 'GetMetricData', fault: 'throttle' }]);
    const c = clients(1);
    const error = await c
      .cloudWatch('us-east-1')
      .send(getMetricData())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    c.destroy();
  });

  test.each(['throttle', 429, 500, 503, 'reset'] as const)('the SDK retries %s and then succeeds', async (fault) => {
    proxy.setRules([{ api: 'DescribeScalableTargets', fault, from: 1, to: 2 }]);
    const c = clients(4);
    const result = await c.autoScaling('us-east-1').send(describeEcs);
    expect(result.ScalableTargets).toEqual([]);
    expect(proxy.counts().DescribeScalableTargets).toBe(3);
    expect(proxy.injected().DescribeScalableTargets).toBe(2);
    expect(c.calls.calls()).toEqual({ DescribeScalableTargets: 1 });
    expect(c.calls.attempts()).toEqual({ DescribeScalableTargets: 3 });
    c.destroy();
  });

  test('fails only the Nth..Mth matching requests', async () => {
    proxy.setRules([{ api: 'DescribeScalableTargets', fault: 503, from: 2, to: 3 }]);
    const c = clients(1);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await c
          .autoScaling('us-east-1')
          .send(describeEcs)
          .then(
            () => 'ok',
            () => 'failed',
          ),
      );
    expect(outcomes).toEqual(['ok', 'failed', 'failed', 'ok', 'ok']);
    c.destroy();
  });

  test('a fraction fails the same requests for the same seed', async () => {
    const run = async (seed: number) => {
      proxy.setRules([{ fault: 503, fraction: 0.5 }], seed);
      const c = clients(1);
      const outcomes: string[] = [];
      for (let i = 0; i < 16; i++)
        outcomes.push(
          await c
            .autoScaling('us-east-1')
            .send(describeEcs)
            .then(
              () => 'ok',
              () => 'failed',
            ),
        );
      c.destroy();
      return outcomes.join(' ');
    };
    const first = await run(3);
    expect(first).toContain('ok');
    expect(first).toContain('failed');
    expect(await run(3)).toBe(first);
    expect(await run(4)).not.toBe(first);
  });

  test('a hung request ends with the per-call timeout', async () => {
    proxy.setRules([{ fault: 'hang' }]);
    const c = clients(1, 300);
    const started = Date.now();
    const error = await c
      .autoScaling('us-east-1')
      .send(describeEcs)
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    c.destroy();
  });
});

describe('ensureMoto', () => {
  test('fails, saying how to install moto by hand, when Python cannot be run', async () => {
    const venv = path.join(mkdtempSync(path.join(tmpdir(), 'evac-venv-')), 'venv');
    const error = await ensureMoto({ venv, python: '/nonexistent/python3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('"/nonexistent/python3" cannot be run');
    expect((error as Error).message).toContain('python3 -m venv .venv && .venv/bin/pip install -r test/support/requirements-moto.txt');
    expect(existsSync(`${venv}.install-lock`)).toBe(false);
  });
});
