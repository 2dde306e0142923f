import { Box, Text } from 'ink';
import { bucketLabel } from '../../src/model/bucket.ts';
import type { Plan, PlanEntry } from '../../src/report/plan-schema.ts';
import { unreachableNote } from '../../src/report/plan-text.ts';
import { compact, pct, ratio, uniformVerdict } from '../../src/report/plan-view.ts';
import { ORDER_LABELS, type PlanOrder } from './plan-order.ts';

export interface PlanBrowserProps {
  /** The plan to show; finished data, never fetched here. */
  readonly plan: Plan;
  /** The entries in display order (see orderEntries). */
  readonly entries: readonly PlanEntry[];
  /** Index into `entries` of the highlighted service; its details are shown below the list. */
  readonly selected: number;
  readonly order: PlanOrder;
  /** How many list rows fit; the list scrolls to keep the selection visible. */
  readonly listHeight: number;
}

/** The plan of one evacuation: a scrolling list of service-regions and the selected one's details. */
export function PlanBrowser({ plan, entries, selected, order, listHeight }: PlanBrowserProps) {
  const first = Math.max(0, Math.min(selected - Math.floor(listHeight / 2), entries.length - listHeight));
  const visible = entries.slice(first, first + listHeight);
  const exceeding = entries.filter((e) => e.flags.includes('exceeds-max')).length;
  const current = entries[selected];
  return (
    <Box flexDirection="column">
      <Text>
        Evacuation of <Text bold>{plan.failedRegion}</Text> at {bucketLabel(plan.bucket, plan.bucketMinutes)} UTC
        {plan.windowMinutes > 0 ? ` (+${plan.windowMinutes} min window)` : ''}: traffic to{' '}
        {plan.healthyRegions.map((h) => `${h.region} ${(h.steeringWeight * 100).toFixed(0)}%`).join(', ')}
      </Text>
      {plan.unreachableRegions.map((u) => (
        <Text key={u.region} color="yellow">
          ! {unreachableNote(plan, u)}
        </Text>
      ))}
      {plan.warnings.map((w) => (
        <Text key={w} color="yellow">
          ! warning: {w}
        </Text>
      ))}
      <Text color={exceeding > 0 ? 'red' : 'green'}>
        {exceeding > 0 ? `NOT READY: ${exceeding} service-region(s) exceed max capacity` : 'ready: every service-region fits under its max'}
      </Text>
      <Text dimColor>
        {entries.length} service-regions, sorted by {ORDER_LABELS[order]}
      </Text>
      <Text bold>{row('service', 'region', 'weighted', 'uniform', 'uniform err', 'min -> target', 'flags')}</Text>
      {visible.map((e, i) => (
        <EntryRow key={`${e.service}@${e.region}`} entry={e} highlighted={first + i === selected} />
      ))}
      {current ? <EntryDetail entry={current} /> : <Text>No services in this plan.</Text>}
    </Box>
  );
}

function row(service: string, region: string, weighted: string, uniform: string, error: string, target: string, flags: string): string {
  return `${service.padEnd(24)} ${region.padEnd(10)} ${weighted.padStart(8)} ${uniform.padStart(8)} ${error.padStart(11)} ${target.padStart(14)}  ${flags}`;
}

function EntryRow({ entry: e, highlighted }: { readonly entry: PlanEntry; readonly highlighted: boolean }) {
  const target = `${e.minCapacity ?? '?'} -> ${e.targetMinCapacity ?? '?'}`;
  const text = row(e.service, e.region, ratio(e.weightedRatio), ratio(e.uniformRatio), pct(e.uniformError), target, e.flags.join(' '));
  return (
    <Text inverse={highlighted} {...(e.flags.includes('exceeds-max') ? { color: 'red' } : {})} wrap="truncate-end">
      {highlighted ? '>' : ' '}
      {text}
    </Text>
  );
}

/** The device-weighting table and the capacity of one service-region. */
export function EntryDetail({ entry: e }: { readonly entry: PlanEntry }) {
  const verdict = uniformVerdict(e);
  return (
    <Box flexDirection="column" marginTop={1} borderStyle="single" paddingX={1}>
      <Text bold>
        {e.service} in {e.region}: weighted {ratio(e.weightedRatio)} (95% CI {ratio(e.ci95[0])}-{ratio(e.ci95[1])}), uniform {ratio(e.uniformRatio)}
        {verdict === 'ok' ? '' : ` (uniform ${verdict} by ${(Math.abs(e.uniformError) * 100).toFixed(1)}%)`}
      </Text>
      <Text>
        {'device'.padEnd(10)} {'share'.padStart(7)} {'ratio'.padStart(7)} {'contribution'.padStart(13)}
      </Text>
      {e.deviceContributions.map((c) => (
        <Text key={c.deviceType}>
          {c.deviceType.padEnd(10)} {`${(c.share * 100).toFixed(1)}%`.padStart(7)} {ratio(c.ratio).padStart(7)} {ratio(c.contribution).padStart(13)}
        </Text>
      ))}
      {e.deviceContributions.length === 0 ? <Text>no traces: the uniform ratio is used</Text> : null}
      <Text>
        {Math.round(e.traceSamples)} trace samples; capacity: current {e.currentCapacity ?? '?'}, min {e.minCapacity ?? '?'} {'->'} {e.targetMinCapacity ?? '?'}, required{' '}
        {e.requiredCapacity ?? '?'}, max {e.maxCapacity ?? '?'}
        {e.flags.includes('exceeds-max') ? ' (EXCEEDS MAX)' : ''}
      </Text>
      {e.demand ? (
        <Text>
          demand: {compact(e.demand.nominal)} now {'->'} {compact(e.demand.predicted)} in the evacuation (
          {e.demand.byDevice.map((d) => `${d.deviceType} ${compact(d.predicted)}`).join(', ')})
        </Text>
      ) : null}
      {e.flags.length > 0 ? <Text dimColor>flags: {e.flags.join(', ')}</Text> : null}
    </Box>
  );
}
