import { Box, Text } from 'ink';
import { PLAN_FLAGS, type PlanEntry } from '../../src/report/plan-schema.ts';
import { compact, pct, ratio, uniformVerdict } from '../../src/report/plan-view.ts';
import { targetText } from './list-layout.ts';
import { remedies } from './remedy.ts';

const num = (x: number | null) => (x === null ? '?' : String(x));

/** One line about the selected entry, under the list on narrow terminals. */
export function EntrySummary({ entry: e, width }: { readonly entry: PlanEntry; readonly width: number }) {
  const verdict = uniformVerdict(e);
  return (
    <Text wrap="truncate-end">
      {`${e.service}@${e.region} ${ratio(e.weightedRatio)} (${ratio(e.ci95[0])}-${ratio(e.ci95[1])}) uniform ${ratio(e.uniformRatio)}${verdict === 'ok' ? '' : ` ${verdict}`} · Min ${targetText(e)} req ${num(e.requiredCapacity)} max ${num(e.maxCapacity)}`.slice(
        0,
        Math.max(0, width),
      )}
    </Text>
  );
}

export interface EntryDetailProps {
  readonly entry: PlanEntry;
  readonly width: number;
}

/**
 * Everything known about one service-region: the device-weighting table, the interval, the
 * capacity (current, required, Min→target, Max), demand, each flag explained and what to do.
 */
export function EntryDetail({ entry: e, width }: EntryDetailProps) {
  const verdict = uniformVerdict(e);
  const explain = (f: string) => (PLAN_FLAGS as Readonly<Record<string, string>>)[f] ?? '';
  return (
    <Box flexDirection="column" width={width} borderStyle="single" paddingX={1}>
      <Text bold wrap="truncate-end">
        {e.service} in {e.region} (steering {(e.steeringWeight * 100).toFixed(0)}%)
      </Text>
      <Text wrap="wrap">
        weighted {ratio(e.weightedRatio)}, 95% CI {ratio(e.ci95[0])}-{ratio(e.ci95[1])}; uniform {ratio(e.uniformRatio)} ({pct(e.uniformError)}
        {verdict === 'ok' ? '' : `, ${verdict}`})
      </Text>
      <Text>{`${'device'.padEnd(10)} ${'share'.padStart(7)} ${'ratio'.padStart(7)} ${'contrib'.padStart(8)}`}</Text>
      {e.deviceContributions.map((c) => (
        <Text
          key={c.deviceType}
        >{`${c.deviceType.slice(0, 10).padEnd(10)} ${`${(c.share * 100).toFixed(1)}%`.padStart(7)} ${ratio(c.ratio).padStart(7)} ${ratio(c.contribution).padStart(8)}`}</Text>
      ))}
      {e.deviceContributions.length === 0 ? <Text>no traces: the uniform ratio is used</Text> : null}
      <Text wrap="wrap">
        {Math.round(e.traceSamples)} traces · current {num(e.currentCapacity)} · required {num(e.requiredCapacity)} · Min {targetText(e)} · Max{' '}
        {num(e.maxCapacity)}
        {e.targetMaxCapacity !== null && e.targetMaxCapacity !== e.maxCapacity ? `→${e.targetMaxCapacity}` : ''}
      </Text>
      <Text wrap="wrap">
        demand: {e.demand ? `${compact(e.demand.nominal)} now → ${compact(e.demand.predicted)} in the evacuation` : 'unknown (no demand data)'}
      </Text>
      {e.flags.map((f) => (
        <Text key={f} wrap="wrap">
          {f}: {explain(f)}
        </Text>
      ))}
      {remedies(e).map((r) => (
        <Text key={r} wrap="wrap" bold>
          → {r}
        </Text>
      ))}
    </Box>
  );
}
