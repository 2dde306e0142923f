export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Right-align numbers. */
  readonly align?: 'left' | 'right';
  /** Columns with a drop order are left out, lowest first, when the table is wider than allowed. */
  readonly dropOrder?: number;
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
export function renderTextTable<Row>({ columns: all, rows, maxWidth }: TableInput<Row> & { readonly maxWidth?: number }): string {
  let columns = all;
  if (maxWidth !== undefined) {
    const droppable = all.filter((c) => c.dropOrder !== undefined).sort((a, b) => (a.dropOrder ?? 0) - (b.dropOrder ?? 0));
    while (tableWidth(columns, rows) > maxWidth && droppable.length > 0) {
      const drop = droppable.shift();
      columns = columns.filter((c) => c !== drop);
    }
  }
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const pad = (text: string, i: number) => (columns[i]?.align === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const line = (row: readonly string[]) => row.map((cell, i) => pad(cell, i)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
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
