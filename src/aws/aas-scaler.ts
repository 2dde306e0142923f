import {
  paginateDescribeScalableTargets,
  RegisterScalableTargetCommand,
  type ScalableDimension,
  type ServiceNamespace,
} from '@aws-sdk/client-application-auto-scaling';
import { type CallOptions, type MinMax, type Scaler, type TargetRef, targetKey } from '../scaling/scaler.ts';
import type { AwsClients } from './clients.ts';
import { onceEachToken } from './page-tokens.ts';

/** DescribeScalableTargets takes at most 50 ResourceIds and returns at most 50 targets a page. */
const MAX_RESOURCE_IDS = 50;

export interface AutoScalingScalerOptions {
  readonly clients: AwsClients;
  /** MaxResults of DescribeScalableTargets (1-50). Default 50. */
  readonly pageSize?: number;
}

/**
 * The Scaler port over Application Auto Scaling. Reads with DescribeScalableTargets, one call
 * per 50 targets of a namespace and dimension (following NextToken), and writes with
 * RegisterScalableTarget, which on an existing target changes only the fields it is given.
 */
export class AutoScalingScaler implements Scaler {
  constructor(private readonly options: AutoScalingScalerOptions) {}

  async describeTargets(region: string, targets: readonly TargetRef[], options: CallOptions = {}): Promise<Map<string, MinMax>> {
    const client = this.options.clients.autoScaling(region);
    const groups = new Map<string, { namespace: string; dimension: string; ids: Set<string> }>();
    for (const t of targets) {
      const key = `${t.serviceNamespace} ${t.scalableDimension}`;
      const group = groups.get(key) ?? { namespace: t.serviceNamespace, dimension: t.scalableDimension, ids: new Set<string>() };
      group.ids.add(t.resourceId);
      groups.set(key, group);
    }
    const found = new Map<string, MinMax>();
    const wanted = new Set(targets.map(targetKey));
    for (const group of groups.values()) {
      const ids = [...group.ids];
      for (let i = 0; i < ids.length; i += MAX_RESOURCE_IDS) {
        const pages = paginateDescribeScalableTargets(
          { client, pageSize: this.options.pageSize ?? MAX_RESOURCE_IDS },
          {
            ServiceNamespace: group.namespace as ServiceNamespace,
            ScalableDimension: group.dimension as ScalableDimension,
            ResourceIds: ids.slice(i, i + MAX_RESOURCE_IDS),
          },
          options.signal ? { abortSignal: options.signal } : {},
        );
        for await (const page of onceEachToken(pages, `DescribeScalableTargets in ${region}`)) {
          for (const t of page.ScalableTargets ?? []) {
            if (t.ServiceNamespace === undefined || t.ResourceId === undefined || t.ScalableDimension === undefined) continue;
            if (t.MinCapacity === undefined || t.MaxCapacity === undefined) continue;
            const key = targetKey({ serviceNamespace: t.ServiceNamespace, resourceId: t.ResourceId, scalableDimension: t.ScalableDimension });
            if (wanted.has(key)) found.set(key, { min: t.MinCapacity, max: t.MaxCapacity });
          }
        }
      }
    }
    return found;
  }

  async setCapacity(region: string, target: TargetRef, capacity: MinMax, options: CallOptions = {}): Promise<void> {
    await this.options.clients.autoScaling(region).send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: target.serviceNamespace as ServiceNamespace,
        ResourceId: target.resourceId,
        ScalableDimension: target.scalableDimension as ScalableDimension,
        MinCapacity: capacity.min,
        MaxCapacity: capacity.max,
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
  }
}
