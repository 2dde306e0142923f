import { plot } from 'asciichart';
import { Box, Text } from 'ink';
import { bucketLabel } from '../../src/model/bucket.ts';
import { compact } from '../../src/report/plan-view.ts';
import type { DayProfile } from '../../src/services/day-profile.ts';

const LABEL = 7;

/** Keeps at most `points` values: the max of each group, so a peak is never hidden. */
export function downsample(values: readonly number[], points: number): number[] {
  if (values.length <= points) return [...values];
  const out: number[] = [];
  const step = values.length / points;
  for (let i = 0; i < points; i++) {
    const group = values.slice(Math.floor(i * step), Math.max(Math.floor(i * step) + 1, Math.floor((i + 1) * step)));
    out.push(Math.max(...group));
  }
  return out;
}

export interface DayChartProps {
  readonly profile: DayProfile;
  readonly width: number;
  /** Rows for the ratio chart; the traffic chart gets half. Below 3, only a legend is shown. */
  readonly height: number;
  readonly color: boolean;
}

/**
 * The picture of the day: weighted (solid) vs uniform ratio across the day's buckets with the
 * planned bucket marked, then the receiving region's traffic now and in the evacuation.
 */
export function DayChart({ profile, width, height, color }: DayChartProps) {
  const points = Math.max(8, width - LABEL - 2);
  const n = profile.weighted.length;
  const scale = Math.min(1, points / n);
  const mark = LABEL + Math.floor(profile.plannedBucket * scale);
  const fmt = (x: number) => x.toFixed(2).padStart(LABEL - 1);
  const fmtTraffic = (x: number) => compact(x).padStart(LABEL - 1);
  const colors = color ? ['\u001B[36m', '\u001B[33m'] : [undefined, undefined];
  // Without colour two lines cannot be told apart: the weighted one is drawn, the uniform one summarised.
  const ratioSeries = color ? [downsample(profile.weighted, points), downsample(profile.uniform, points)] : [downsample(profile.weighted, points)];
  const ratioChart = plot(ratioSeries, { height: Math.max(2, height - 1), format: fmt, colors, padding: '' });
  const at = profile.plannedBucket;
  const legend = color
    ? 'ratio over the day: weighted (cyan), uniform (yellow)'
    : `ratio over the day: weighted; uniform ${Math.min(...profile.uniform).toFixed(2)}-${Math.max(...profile.uniform).toFixed(2)} (${(profile.uniform[at] ?? 0).toFixed(3)} at the planned bucket)`;
  const trafficHeight = Math.max(2, Math.floor(height / 2));
  const trafficChart = plot([downsample(profile.receivingEvacuated, points), downsample(profile.receiving, points)], {
    height: trafficHeight,
    format: fmtTraffic,
    colors,
    padding: '',
  });
  const marker = `${' '.repeat(mark)}▲ planned ${bucketLabel(profile.plannedBucket, profile.bucketMinutes)} UTC`;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {legend}
      </Text>
      {height >= 3 ? <Text>{ratioChart}</Text> : null}
      <Text>{marker}</Text>
      <Text bold wrap="truncate-end">
        {profile.region} traffic receiving the evacuation (upper line) and now
      </Text>
      {height >= 3 ? <Text>{trafficChart}</Text> : null}
    </Box>
  );
}
