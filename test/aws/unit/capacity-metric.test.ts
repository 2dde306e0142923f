import { describe, expect, test } from 'vitest';
import { defaultCapacityMetric } from '../../../src/scaling/capacity-metric.ts';

describe('defaultCapacityMetric', () => {
  test('reads an ECS service from Container Insights RunningTaskCount by cluster and service', () => {
    expect(defaultCapacityMetric({ serviceNamespace: 'ecs', resourceId: 'service/prod-us-east-1/drm', scalableDimension: 'ecs:service:DesiredCount' })).toEqual(
      {
        namespace: 'ECS/ContainerInsights',
        name: 'RunningTaskCount',
        dimensions: { ClusterName: 'prod-us-east-1', ServiceName: 'drm' },
        stat: 'Average',
        period: 60,
      },
    );
  });

  test('reads DynamoDB provisioned units, of a table or of an index', () => {
    expect(
      defaultCapacityMetric({
        serviceNamespace: 'dynamodb',
        resourceId: 'table/Profiles/index/ByEmail',
        scalableDimension: 'dynamodb:index:WriteCapacityUnits',
      }),
    ).toMatchObject({
      name: 'ProvisionedWriteCapacityUnits',
      dimensions: { TableName: 'Profiles', GlobalSecondaryIndexName: 'ByEmail' },
    });
    expect(
      defaultCapacityMetric({ serviceNamespace: 'dynamodb', resourceId: 'table/Profiles', scalableDimension: 'dynamodb:table:ReadCapacityUnits' }),
    ).toMatchObject({
      name: 'ProvisionedReadCapacityUnits',
      dimensions: { TableName: 'Profiles' },
    });
  });

  test('has none for other namespaces or malformed resource ids (the plan flags capacity-unknown)', () => {
    expect(
      defaultCapacityMetric({ serviceNamespace: 'sagemaker', resourceId: 'endpoint/e/variant/v', scalableDimension: 'sagemaker:variant:DesiredInstanceCount' }),
    ).toBeUndefined();
    expect(
      defaultCapacityMetric({ serviceNamespace: 'ecs', resourceId: 'service/only-cluster', scalableDimension: 'ecs:service:DesiredCount' }),
    ).toBeUndefined();
  });
});
