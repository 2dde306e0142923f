import { Box, Text } from 'ink';
import { bucketLabel } from '../../src/model/bucket.ts';
import type { Plan } from '../../src/report/plan-schema.ts';

export interface HeaderProps {
  /** Regions that may fail; the current one is bracketed. */
  readonly regions: readonly string[];
  readonly failed: string;
  /** The plan shown (null while the first one loads). */
  readonly plan: Plan | null;
  /** Planned time asked for (epoch seconds) and window: shown even before the plan arrives. */
  readonly at: number;
  readonly windowMinutes: number;
  /** Where the data comes from: files, precomputed or AWS. */
  readonly sourceLabel: string;
  /** Now, epoch seconds: for the age of the data. */
  readonly now: number;
  readonly width: number;
}

const iso = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z`;
/** Without the year, for narrow terminals. */
const short = (t: number) => iso(t).slice(5);

/** How old the data is, in the largest unit that fits: 5m, 3h, 2d. */
export function age(seconds: number): string {
  if (seconds < 0) return 'in the future';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m old`;
  if (seconds < 2 * 86_400) return `${Math.floor(seconds / 3600)}h old`;
  return `${Math.floor(seconds / 86_400)}d old`;
}

/** Two lines: the failed-region selector, then planned time, bucket, window, data end and its age, source. */
export function Header({ regions, failed, plan, at, windowMinutes, sourceLabel, now, width }: HeaderProps) {
  const selector = regions.map((r) => (r === failed ? `[${r}]` : r)).join(' ');
  const narrow = width < 110;
  const time = narrow ? short : iso;
  const bucket = plan ? ` bucket ${bucketLabel(plan.bucket, plan.bucketMinutes)}` : '';
  const dataEnd = plan ? ` · data end ${time(Date.parse(plan.dataEnd) / 1000)} (${age(now - Date.parse(plan.dataEnd) / 1000)})` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>evac</Text> failed region ←/→ {selector}
      </Text>
      <Text wrap="truncate-end">
        {narrow ? 'at' : 'planned'} {time(at)}
        {bucket}
        {windowMinutes > 0 ? ` +${windowMinutes}m window` : ''}
        {dataEnd} · {narrow ? '' : 'source '}
        {sourceLabel}
      </Text>
    </Box>
  );
}
