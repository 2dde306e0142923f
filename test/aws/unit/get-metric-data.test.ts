import { CloudWatchClient, type GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { describe, expect, test } from 'vitest';
import { fetchBatch } from '../../../src/aws/get-metric-data.ts';
import { packQueries } from '../../../src/aws/metric-queries.ts';

/** A CloudWatch client that answers from canned pages, keyed by the NextToken asked for. */
function pagedClient(pages: Record<string, Partial<GetMetricDataCommandOutput>>) {
  const tokens: (string | undefined)[] = [];
  // A real client (the SDK's paginator insists on one) whose send answers without a network.
  const client = new CloudWatchClient({ region: 'us-east-1' });
  client.send = (async (command: GetMetricDataCommand) => {
    tokens.push(command.input.NextToken);
    const page = pages[command.input.NextToken ?? ''];
    if (!page) throw new Error(`unexpected token ${command.input.NextToken}`);
    return page;
  }) as unknown as CloudWatchClient['send'];
  return { client, tokens };
}

const batch = packQueries([
  { tag: 'a', query: { namespace: 'N', name: 'A', dimensions: {}, stat: 'Sum', period: 60 } },
  { tag: 'b', query: { namespace: 'N', name: 'B', dimensions: {}, stat: 'Sum', period: 60 } },
])[0]!;
const at = (s: number) => new Date(s * 1000);

describe('fetchBatch', () => {
  test('follows NextToken and joins the pages of each series in order', async () => {
    const { client, tokens } = pagedClient({
      '': { MetricDataResults: [{ Id: 'q0', Timestamps: [at(60), at(120)], Values: [1, 2], StatusCode: 'PartialData' }], NextToken: 't1' },
      t1: {
        MetricDataResults: [
          { Id: 'q0', Timestamps: [at(180)], Values: [3], StatusCode: 'Complete' },
          { Id: 'q1', Timestamps: [at(60)], Values: [9], StatusCode: 'Complete' },
        ],
      },
    });
    const out = await fetchBatch(client, batch, { start: 0, end: 240 });
    expect(tokens).toEqual([undefined, 't1']);
    expect(out.get('q0')).toEqual({ tag: 'a', series: { timestamps: [60, 120, 180], values: [1, 2, 3] } });
    expect(out.get('q1')).toEqual({ tag: 'b', series: { timestamps: [60], values: [9] } });
  });

  test('stops on a NextToken seen before instead of paging forever', async () => {
    const { client } = pagedClient({ '': { MetricDataResults: [], NextToken: 'same' }, same: { MetricDataResults: [], NextToken: 'same' } });
    await expect(fetchBatch(client, batch, { start: 0, end: 240 })).rejects.toThrow(/NextToken "same" twice/);
  });

  test('fails on a query CloudWatch forbids', async () => {
    const { client } = pagedClient({ '': { MetricDataResults: [{ Id: 'q0', StatusCode: 'Forbidden', Messages: [{ Code: 'AccessDenied', Value: 'no' }] }] } });
    await expect(fetchBatch(client, batch, { start: 0, end: 240 })).rejects.toThrow(/Forbidden.*AccessDenied: no/);
  });
});
