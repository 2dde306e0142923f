export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Right-align numbers. */
  readonly align?: 'left' | 'right';
  /** Columns with a drop order are left out, lowest first, when the table is wider than allowed. */
  readonly dropOrder?: number;
  /** When the table is still too wide once every droppable column is gone, cut this column's cells (with `…`). */
  readonly shrink?: boolean;
}

export interface TableInput<Row> {
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
}

/**
 * A plain-text table with a header rule, columns padded to their widest cell. With `maxWidth`
 * (a terminal's width), droppable columns are left out, lowest `dropOrder` first, until the
 * table fits or none is left to drop.
 */
export function renderTextTable<Row>({
  columns: all,
  rows,
  maxWidth,
  rowStyle,
}: TableInput<Row> & {
  readonly maxWidth?: number /** Wraps a whole row's line, e.g. in a colour; widths are measured without it. */;
  readonly rowStyle?: (row: Row) => ((line: string) => string) | undefined;
}): string {
  let columns = all;
  if (maxWidth !== undefined) {
    const droppable = all.filter((c) => c.dropOrder !== undefined).sort((a, b) => (a.dropOrder ?? 0) - (b.dropOrder ?? 0));
    while (tableWidth(columns, rows) > maxWidth && droppable.length > 0) {
      const drop = droppable.shift();
      columns = columns.filter((c) => c !== drop);
    }
  }
  let cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const over = maxWidth === undefined ? 0 : widths.reduce((a, w) => a + w, 2 * (columns.length - 1)) - maxWidth;
  const shrink = columns.findIndex((c) => c.shrink);
  if (over > 0 && shrink >= 0) {
    const w = Math.max(columns[shrink]?.header.length ?? 0, 8, (widths[shrink] ?? 0) - over);
    widths[shrink] = w;
    cells = cells.map((row) => row.map((cell, i) => (i === shrink && cell.length > w ? `${cell.slice(0, w - 1)}…` : cell)));
  }
  const pad = (text: string, i: number) => (columns[i]?.align === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => pad(cell, i))
      .join('  ')
      .trimEnd();
  const styled = (row: readonly string[], i: number) => {
    const style = rowStyle?.(rows[i] as Row);
    return style ? style(line(row)) : line(row);
  };
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(styled)].join('\n');
}

/** A GitHub-flavoured Markdown table; pipes in cells are escaped. */
export function renderMarkdownTable<Row>({ columns, rows }: TableInput<Row>): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const head = `| ${columns.map((c) => esc(c.header)).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((c) => esc(c.value(r))).join(' | ')} |`)].join('\n');
}

function tableWidth<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): number {
  let width = 2 * (columns.length - 1);
  for (const c of columns) width += Math.max(c.header.length, ...rows.map((r) => c.value(r).length));
  return width;
}
