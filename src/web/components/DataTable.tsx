import type { HTMLAttributes, ReactNode } from 'react';

export interface Column<T> {
  /** The header, and the label each cell carries on a phone, where every row becomes a card. */
  header: string;
  cell(row: T): ReactNode;
  /** The cell's class (`nowrap`, `title-cell`, `num`). */
  className?: string;
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };

/**
 * The UI's one table: a header row from the columns, one row per item, and `table.responsive`
 * with a `data-label` on every cell so narrow screens show each row as a labelled card.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowProps,
  className,
  testId,
  caption,
  footer,
}: {
  columns: Array<Column<T>>;
  rows: T[];
  rowKey(row: T, index: number): string;
  /** Attributes of a row: a class (`is-current`), `data-*` hooks. */
  rowProps?(row: T): RowAttributes;
  className?: string;
  testId?: string;
  /** Read out by screen readers as the table's name; hidden from sight by `visually-hidden`. */
  caption?: string;
  /** Rows after the items (a total), already laid out as cells. */
  footer?: ReactNode;
}) {
  return (
    <table className={`responsive${className ? ` ${className}` : ''}`} data-testid={testId}>
      {caption && <caption className="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={i} scope="col" className={column.className}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={rowKey(row, index)} {...rowProps?.(row)}>
            {columns.map((column, i) => (
              <td key={i} data-label={column.header} className={column.className}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {footer && <tfoot>{footer}</tfoot>}
    </table>
  );
}
