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
  // Each cell is made once, column by column (a plan's table has thousands of rows): the widths,
  // the columns dropped to fit and the lines all read these.
  const cellsOf = new Map<Column<Row>, string[]>();
  const widthOf = new Map<Column<Row>, number>();
  for (const c of all) {
    const cells: string[] = new Array(rows.length);
    let width = c.header.length;
    for (let r = 0; r < rows.length; r++) {
      const cell = c.value(rows[r] as Row);
      cells[r] = cell;
      if (cell.length > width) width = cell.length;
    }
    cellsOf.set(c, cells);
    widthOf.set(c, width);
  }
  const tableWidth = (cs: readonly Column<Row>[]) => cs.reduce((a, c) => a + (widthOf.get(c) ?? 0), 2 * (cs.length - 1));
  let columns = all;
  if (maxWidth !== undefined) {
    const droppable = all.filter((c) => c.dropOrder !== undefined).sort((a, b) => (a.dropOrder ?? 0) - (b.dropOrder ?? 0));
    while (tableWidth(columns) > maxWidth && droppable.length > 0) {
      const drop = droppable.shift();
      columns = columns.filter((c) => c !== drop);
    }
  }
  const cells = columns.map((c) => cellsOf.get(c) ?? []);
  const widths = columns.map((c) => widthOf.get(c) ?? 0);
  const over = maxWidth === undefined ? 0 : tableWidth(columns) - maxWidth;
  const shrink = columns.findIndex((c) => c.shrink);
  if (over > 0 && shrink >= 0) {
    const w = Math.max(columns[shrink]?.header.length ?? 0, 8, (widths[shrink] ?? 0) - over);
    widths[shrink] = w;
    cells[shrink] = (cells[shrink] ?? []).map((cell) => (cell.length > w ? `${cell.slice(0, w - 1)}…` : cell));
  }
  const right = columns.map((c) => c.align === 'right');
  const out = [
    paddedLine(
      columns.map((c) => c.header),
      widths,
      right,
    ),
    widths.map((w) => '-'.repeat(w)).join('  '),
  ];
  const row: string[] = new Array(columns.length);
  for (let r = 0; r < rows.length; r++) {
    for (let i = 0; i < columns.length; i++) row[i] = (cells[i] as string[])[r] as string;
    const text = paddedLine(row, widths, right);
    const style = rowStyle?.(rows[r] as Row);
    out.push(style ? style(text) : text);
  }
  return out.join('\n');
}

/** Runs of spaces by length, made once each. */
const spaces: string[] = [''];

function spacesOf(n: number): string {
  for (let k = spaces.length; k <= n; k++) spaces.push(' '.repeat(k));
  return spaces[n] as string;
}

/**
 * Cells padded to their widths (right-aligned ones at the start), two spaces apart, with no
 * trailing white space: the line `trimEnd` leaves of the whole padded line. The padding after the
 * last cell with text is never written; a table has thousands of lines.
 */
function paddedLine(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  let text = '';
  let owed = 0;
  let last = '';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    const pad = (widths[i] as number) - cell.length;
    if (i > 0) owed += 2;
    if (right[i] && pad > 0) owed += pad;
    if (cell.length > 0) {
      text += owed > 0 ? spacesOf(owed) + cell : cell;
      owed = 0;
      last = cell;
    }
    if (!right[i] && pad > 0) owed += pad;
  }
  // A cell's own trailing white space goes too, as trimEnd takes it.
  return TRAILING_SPACE.test(last) ? text.trimEnd() : text;
}

const TRAILING_SPACE = /\s$/;

/** A GitHub-flavoured Markdown table; pipes in cells are escaped. */
export function renderMarkdownTable<Row>({ columns, rows }: TableInput<Row>): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const head = `| ${columns.map((c) => esc(c.header)).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((c) => esc(c.value(r))).join(' | ')} |`)].join('\n');
}
