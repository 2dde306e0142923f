/**
 * Seeds a moto server from a files-source data directory and a config directory, the way an
 * AWS account would hold the same data: traffic and demand as CloudWatch metrics (as the config
 * names them), each capacity.csv row as an ECS service with a scalable target (Min/Max) and its
 * current capacity as the target's capacity metric.
 */
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { defaultCapacityMetric } from '../../src/scaling/capacity-metric.ts';
import { AutoScalingScaler } from '../../src/aws/aas-scaler.ts';
import { AwsClients } from '../../src/aws/clients.ts';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.ts';
import { isMetricMath, type MetricStat } from '../../src/config/metric-query.ts';
import { planUnits, resolveScope, type ScopedServiceConfig } from '../../src/config/resolve-scope.ts';
import { unwrap } from '../../src/errors.ts';
import { readDataDir } from '../../src/sources/files-source.ts';
import { TEST_CREDENTIALS } from './moto-server.ts';

export interface SeededTarget {
  readonly region: string;
  readonly service: string;
  readonly serviceNamespace: string;
  readonly resourceId: string;
  readonly scalableDimension: string;
  readonly min: number;
  readonly max: number;
}

export interface SeedOptions {
  /** moto's URL. */
  readonly endpoint: string;
  readonly configDir: string;
  readonly dataDir: string;
  /** Current capacity is written one minute before this time. */
  readonly at: number;
  /**
   * `all` (default): traffic, demand and capacity metrics; `capacity`: only the running-capacity
   * metrics, for `--source aws --history DIR`, which reads nothing else from CloudWatch.
   */
  readonly metrics?: 'all' | 'capacity';
}

/** Seeds moto; returns the scalable targets registered. */
export async function seedMotoFromData(options: SeedOptions): Promise<SeededTarget[]> {
  const config = unwrap(loadConfig(options.configDir));
  const data = unwrap(readDataDir(options.dataDir, new Set(config.evacuation.regions)));
  const clients = new AwsClients({ endpoints: { all: options.endpoint, byRegion: {} }, credentials: TEST_CREDENTIALS });
  const metrics = new Map<string, { namespace: string; datum: MetricDatum }[]>();
  const put = (region: string, metric: MetricStat, t: number, value: number) => {
    const list = metrics.get(region) ?? [];
    list.push({
      namespace: metric.namespace,
      datum: {
        MetricName: metric.name,
        Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
        Timestamp: new Date(t * 1000),
        Value: value,
      },
    });
    metrics.set(region, list);
  };

  const traffic = config.evacuation.trafficMetric;
  if (!traffic) throw new Error('the config has no trafficMetric');
  const history = options.metrics !== 'capacity';
  for (const s of history ? data.traffic : []) {
    const dimensions = Object.fromEntries(Object.entries(traffic.dimensions).map(([k, v]) => [k, v.replaceAll('{region}', s.region)]));
    put(s.region, { ...traffic, dimensions: { ...dimensions, [traffic.deviceDimension]: s.device } }, s.t, s.value);
  }
  for (const s of history ? data.demand : []) {
    const scope = scopeOf(config, s.service, s.region);
    const metric = scope?.demandMetric;
    if (!metric) continue;
    // moto evaluates no metric math beyond an expression naming one metric: seed that metric.
    const stat = isMetricMath(metric) ? metric.metrics[metric.expression] : metric;
    if (stat) put(s.region, stat, s.t, s.value);
  }

  const targets: SeededTarget[] = [];
  for (const c of data.capacity) {
    const scope = scopeOf(config, c.service, c.region);
    const target = scope?.scalableTarget;
    if (!scope || !target) continue;
    await registerEcsTarget(options.endpoint, clients, c.region, target, { min: c.min, max: c.max });
    targets.push({ region: c.region, service: c.service, ...target, min: c.min, max: c.max });
    const metric = scope.capacityMetric ?? defaultCapacityMetric(target);
    if (metric && c.current !== null) put(c.region, metric, options.at - 60, c.current);
  }

  for (const [region, list] of metrics) await putMetrics(options.endpoint, region, list);
  clients.destroy();
  return targets;
}

/** Creates the ECS cluster and service of an `ecs` target (moto checks it exists) and registers the target. */
export async function registerEcsTarget(
  endpoint: string,
  clients: AwsClients,
  region: string,
  target: { serviceNamespace: string; resourceId: string; scalableDimension: string },
  capacity: { min: number; max: number },
): Promise<void> {
  if (target.serviceNamespace === 'ecs') {
    const [, cluster, service] = target.resourceId.split('/');
    const ecs = new ECSClient({ region, endpoint, credentials: TEST_CREDENTIALS });
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: service, desiredCount: capacity.min }));
    ecs.destroy();
  }
  await new AutoScalingScaler({ clients }).setCapacity(region, target, capacity);
}

/**
 * PutMetricData, 1,000 data points a call, grouped by namespace. Request compression is off:
 * moto 5.1 fails on the SDK's gzip-encoded PutMetricData bodies.
 */
export async function putMetrics(endpoint: string, region: string, list: readonly { namespace: string; datum: MetricDatum }[]): Promise<void> {
  const client = new CloudWatchClient({ region, endpoint, credentials: TEST_CREDENTIALS, disableRequestCompression: true });
  const byNamespace = new Map<string, MetricDatum[]>();
  for (const { namespace, datum } of list) {
    const data = byNamespace.get(namespace) ?? [];
    data.push(datum);
    byNamespace.set(namespace, data);
  }
  for (const [namespace, data] of byNamespace) {
    for (let i = 0; i < data.length; i += 1000) {
      await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 1000) }));
    }
  }
  client.destroy();
}

function scopeOf(config: LoadedConfig, unitName: string, region: string): ScopedServiceConfig | undefined {
  for (const { config: service } of config.services) {
    const unit = planUnits(service).find((u) => u.name === unitName);
    if (unit) return resolveScope(service, unit, region);
  }
  return undefined;
}
