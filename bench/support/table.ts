/** A column: its title, how a row's cell reads, and whether it is numeric (right-aligned). */
export type Column<Row> = [title: string, cell: (row: Row) => string, numeric: boolean];

/** A Markdown table, each column as wide as its widest cell (counted in code points). */
export function formatTable<Row>(columns: Array<Column<Row>>, rows: Row[]): string {
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const width = (text: string): number => [...text].length;
  const widths = columns.map(([title], i) => Math.max(width(title), ...cells.map((line) => width(line[i]))));
  const pad = (text: string, n: number, right: boolean): string =>
    right ? ' '.repeat(n - width(text)) + text : text + ' '.repeat(n - width(text));
  const line = (values: string[]): string =>
    `| ${values.map((value, i) => pad(value, widths[i], columns[i][2])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(columns.map(([title]) => title)), rule, ...cells.map(line)].join('\n');
}

/** The `met?` cell of a row with an optional target. */
export const metCell = (met: boolean | undefined): string => (met === undefined ? '' : met ? 'yes' : 'NO');
