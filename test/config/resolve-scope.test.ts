import { describe, expect, test } from 'vitest';
import { planUnits, resolveScope } from '../../src/config/resolve-scope.ts';
import { type ServiceConfig, ServiceConfigSchema } from '../../src/config/service-config.ts';

const config = (overrides: Partial<ServiceConfig> & Record<string, unknown>): ServiceConfig =>
  ServiceConfigSchema.parse({
    service: 'edge',
    shards: ['api', 'playback'],
    headroom: 0.1,
    scalableTarget: {
      serviceNamespace: 'ecs',
      resourceId: 'service/prod-{region}/edge-{shard}',
      scalableDimension: 'ecs:service:DesiredCount',
      allowMaxIncrease: true,
    },
    ...overrides,
  });

describe('resolveScope', () => {
  test('a sharded service plans one unit per shard, named <service>/<shard>', () => {
    expect(planUnits(config({})).map((u) => u.name)).toEqual(['edge/api', 'edge/playback']);
  });

  test('fills {region} and {shard} and defaults traceName to the unit name', () => {
    const [api] = planUnits(config({}));
    const s = resolveScope(config({}), api!, 'us-east-1');
    expect(s.scalableTarget?.resourceId).toBe('service/prod-us-east-1/edge-api');
    expect(s.traceName).toBe('edge/api');
  });

  test('precedence: base < region < shard < region and shard, whatever the file order', () => {
    const c = config({
      overrides: [
        { region: 'us-east-1', shard: 'api', headroom: 0.4 },
        { shard: 'api', headroom: 0.3 },
        { region: 'us-east-1', headroom: 0.2, minTraceSamples: 7 },
      ],
    });
    const [api, playback] = planUnits(c);
    expect(resolveScope(c, api!, 'us-east-1')).toMatchObject({ headroom: 0.4, minTraceSamples: 7 });
    expect(resolveScope(c, api!, 'eu-west-1').headroom).toBe(0.3);
    expect(resolveScope(c, playback!, 'us-east-1').headroom).toBe(0.2);
    expect(resolveScope(c, playback!, 'eu-west-1').headroom).toBe(0.1);
  });

  test('within a level, the later entry wins', () => {
    const c = config({
      overrides: [
        { region: 'us-east-1', headroom: 0.2 },
        { region: 'us-east-1', headroom: 0.25 },
      ],
    });
    expect(resolveScope(c, planUnits(c)[0]!, 'us-east-1').headroom).toBe(0.25);
  });

  test('a scalableTarget override changes only the fields it names', () => {
    const c = config({ overrides: [{ region: 'eu-west-1', scalableTarget: { resourceId: 'service/other/edge-{shard}' } }] });
    const s = resolveScope(c, planUnits(c)[0]!, 'eu-west-1');
    expect(s.scalableTarget).toEqual({
      serviceNamespace: 'ecs',
      resourceId: 'service/other/edge-api',
      scalableDimension: 'ecs:service:DesiredCount',
      allowMaxIncrease: true,
    });
  });
});
