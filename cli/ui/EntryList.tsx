import { Box, Text } from 'ink';
import type { PlanEntry } from '../../src/report/plan-schema.ts';
import { entryRow, headerRow, listColumns, type Risk, riskOf } from './list-layout.ts';

export interface EntryListProps {
  /** Every visible entry (filtered and ordered); the list shows a window of them. */
  readonly entries: readonly PlanEntry[];
  readonly selected: number;
  /** Rows available for entries. */
  readonly rows: number;
  readonly width: number;
  /** Colour risk (red: exceeds max, yellow: low confidence); off under NO_COLOR. */
  readonly color: boolean;
}

export const RISK_COLOR: Readonly<Record<Risk, string | undefined>> = { exceeds: 'red', 'low-confidence': 'yellow', none: undefined };

/** The first row shown so that the selection stays visible (it scrolls like less). */
export function firstRow(selected: number, rows: number, count: number): number {
  return Math.max(0, Math.min(selected - Math.floor(rows / 2), count - rows));
}

/** The scrolling service list: a header row, then one row per service-region. */
export function EntryList({ entries, selected, rows, width, color }: EntryListProps) {
  const columns = listColumns(entries, width);
  const first = firstRow(selected, rows, entries.length);
  const visible = entries.slice(first, first + rows);
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Text bold wrap="truncate-end">
        {headerRow(columns)}
      </Text>
      {visible.map((e, i) => {
        const c = color ? RISK_COLOR[riskOf(e)] : undefined;
        return (
          <Text key={`${e.service}@${e.region}`} inverse={first + i === selected} wrap="truncate-end" {...(c ? { color: c } : {})}>
            {entryRow(columns, e, first + i === selected)}
          </Text>
        );
      })}
      {entries.length === 0 ? <Text>no service matches</Text> : null}
    </Box>
  );
}
