import type { MetricStat } from '../config/metric-query.ts';
import type { TargetRef } from './scaler.ts';

/**
 * The CloudWatch metric of a target's running capacity when the config names none:
 * - ecs `service/CLUSTER/SERVICE`: Container Insights `ECS/ContainerInsights RunningTaskCount`
 *   (Average over a minute) by ClusterName and ServiceName;
 * - dynamodb `table/T` or `table/T/index/I`, read or write units: `AWS/DynamoDB
 *   ProvisionedReadCapacityUnits` / `ProvisionedWriteCapacityUnits` (Average).
 * Other namespaces have no metric of running capacity that fits every resource: undefined,
 * and the plan flags the target capacity-unknown unless its config sets `capacityMetric`.
 */
export function defaultCapacityMetric(target: TargetRef): MetricStat | undefined {
  const parts = target.resourceId.split('/');
  if (target.serviceNamespace === 'ecs' && target.scalableDimension === 'ecs:service:DesiredCount') {
    if (parts.length !== 3 || parts[0] !== 'service' || !parts[1] || !parts[2]) return undefined;
    return {
      namespace: 'ECS/ContainerInsights',
      name: 'RunningTaskCount',
      dimensions: { ClusterName: parts[1], ServiceName: parts[2] },
      stat: 'Average',
      period: 60,
    };
  }
  if (target.serviceNamespace === 'dynamodb' && parts[0] === 'table' && parts[1]) {
    const read = /ReadCapacityUnits$/.test(target.scalableDimension);
    const write = /WriteCapacityUnits$/.test(target.scalableDimension);
    if (!read && !write) return undefined;
    const index = parts[2] === 'index' && parts[3] ? { GlobalSecondaryIndexName: parts[3] } : {};
    return {
      namespace: 'AWS/DynamoDB',
      name: read ? 'ProvisionedReadCapacityUnits' : 'ProvisionedWriteCapacityUnits',
      dimensions: { TableName: parts[1], ...index },
      stat: 'Average',
      period: 300,
    };
  }
  return undefined;
}
