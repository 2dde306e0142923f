import fc from 'fast-check';
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

describe('renderTextTable lines', () => {
  test('are the cells padded to their widths, two spaces apart, with trailing white space trimmed', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'bc', ' ', '\u00a0', '\t', '…'), maxLength: 6 });
    const table = fc.record({
      columns: fc.array(fc.record({ header: text, right: fc.boolean() }), { minLength: 1, maxLength: 5 }),
      rows: fc.array(fc.array(text, { minLength: 5, maxLength: 5 }), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(table, ({ columns: specs, rows: cells }) => {
        const columns: Column<string[]>[] = specs.map((c, i) => ({ header: c.header, value: (r) => r[i] as string, align: c.right ? 'right' : 'left' }));
        const widths = columns.map((c) => Math.max(c.header.length, ...cells.map((r) => c.value(r).length)));
        const line = (cellOf: (i: number) => string) =>
          columns
            .map((c, i) => (c.align === 'right' ? cellOf(i).padStart(widths[i] as number) : cellOf(i).padEnd(widths[i] as number)))
            .join('  ')
            .trimEnd();
        const expected = [
          line((i) => (columns[i] as Column<string[]>).header),
          widths.map((w) => '-'.repeat(w)).join('  '),
          ...cells.map((r) => line((i) => (columns[i] as Column<string[]>).value(r))),
        ];
        expect(renderTextTable({ columns, rows: cells })).toBe(expected.join('\n'));
      }),
    );
  });
});

describe('renderMarkdownTable', () => {
  test('escapes pipes and marks right-aligned columns', () => {
    expect(renderMarkdownTable({ columns, rows: [{ name: 'a|b', n: 1, note: '' }] })).toBe(
      ['| name | n | note |', '|---|---:|---|', '| a\\|b | 1 |  |'].join('\n'),
    );
  });
});
