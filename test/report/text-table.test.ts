import { describe, expect, test } from 'vitest';
import { type Column, renderMarkdownTable, renderTextTable } from '../../src/report/text-table.ts';

type Row = { name: string; n: number; note: string };
const rows: Row[] = [
  { name: 'authz', n: 12, note: 'a long note that takes room' },
  { name: 'drm', n: 3, note: '' },
];
const columns: Column<Row>[] = [
  { header: 'name', value: (r) => r.name },
  { header: 'n', value: (r) => String(r.n), align: 'right' },
  { header: 'note', value: (r) => r.note, dropOrder: 0 },
];

describe('renderTextTable', () => {
  test('pads columns, right-aligns numbers and rules the header', () => {
    expect(renderTextTable({ columns, rows })).toBe(
      ['name    n  note', '-----  --  ---------------------------', 'authz  12  a long note that takes room', 'drm     3'].join('\n'),
    );
  });

  test('leaves out droppable columns to fit a width, and keeps them when they fit', () => {
    expect(renderTextTable({ columns, rows, maxWidth: 20 })).toBe(['name    n', '-----  --', 'authz  12', 'drm     3'].join('\n'));
    expect(renderTextTable({ columns, rows, maxWidth: 200 })).toContain('a long note');
  });
});

describe('renderMarkdownTable', () => {
  test('escapes pipes and marks right-aligned columns', () => {
    expect(renderMarkdownTable({ columns, rows: [{ name: 'a|b', n: 1, note: '' }] })).toBe(
      ['| name | n | note |', '|---|---:|---|', '| a\\|b | 1 |  |'].join('\n'),
    );
  });
});
