export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Right-align numbers. */
  readonly align?: 'left' | 'right';
}

export interface TableInput<Row> {
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
}

/** A plain-text table with a header rule, columns padded to their widest cell. */
export function renderTextTable<Row>({ columns, rows }: TableInput<Row>): string {
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
