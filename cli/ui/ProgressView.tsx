import { Box, Text } from 'ink';
import { bar, type RegionProgress } from './region-progress.ts';

/** A target the apply or restore could not change, with the reason. */
export interface Failure {
  readonly label: string;
  readonly reason: string;
}

export interface ProgressViewProps {
  readonly action: 'apply' | 'restore';
  /** The calls are still being made. */
  readonly running: boolean;
  /** One line on what the calls did: `raised 12, unchanged 3, failed 1`. */
  readonly summary: string | null;
  readonly failures: readonly Failure[];
  /** From the last status poll; null before the first one (or with nothing to watch). */
  readonly regions: readonly RegionProgress[] | null;
  /** When the last poll was read, and targets running their new Min out of all. */
  readonly polledAt: string | null;
  readonly reached: number;
  readonly total: number;
  readonly width: number;
  readonly rows: number;
  readonly color: boolean;
}

/** The live view after apply (or restore): calls made, a progress bar per region, failures and their reasons. */
export function ProgressView(p: ProgressViewProps) {
  const barWidth = Math.max(10, Math.min(40, p.width - 50));
  const failureRows = Math.max(1, p.rows - (p.regions?.length ?? 0) - 4);
  return (
    <Box flexDirection="column" width={p.width}>
      <Text bold wrap="truncate-end">
        {p.action === 'apply' ? 'Pre-scaling' : 'Restore'}: {p.running ? 'making the calls…' : (p.summary ?? 'done')}
      </Text>
      {p.action === 'apply' && p.regions !== null ? (
        <>
          <Text wrap="truncate-end">
            running capacity vs new Min: {p.reached}/{p.total} targets reached{p.polledAt ? ` (polled ${p.polledAt.slice(11, 19)}Z)` : ''}
          </Text>
          {p.regions.map((r) => (
            <Text key={r.region} wrap="truncate-end" {...(p.color && r.fraction >= 1 ? { color: 'green' } : {})}>
              {r.region.padEnd(14)} {bar(r.fraction, barWidth)} {`${Math.round(r.fraction * 100)}%`.padStart(4)} {r.reached}/{r.total}
              {r.notApplied > 0 ? ` · ${r.notApplied} Min not set` : ''}
              {r.unreachable !== null ? ` · unreachable: ${r.unreachable}` : ''}
            </Text>
          ))}
        </>
      ) : null}
      {p.failures.length > 0 ? (
        <Text bold {...(p.color ? { color: 'red' } : {})}>
          {p.failures.length} failed (r retries):
        </Text>
      ) : null}
      {p.failures.slice(0, failureRows).map((f) => (
        <Text key={f.label} wrap="wrap">
          {f.label}: {f.reason}
        </Text>
      ))}
    </Box>
  );
}
