/** The rows every section of a bench report is made of, and the one table they print as. */
import { formatTable, metCell, type Column } from './table.js';

export interface Row {
  /** Where the figure comes from: a section number or name. */
  section: string;
  figure: string;
  value: string;
  detail?: string;
  /** The target, when there is one (reported, never enforced). */
  target?: string;
  met?: boolean;
}

const COLUMNS: Array<Column<Row>> = [
  ['#', (row) => row.section, false],
  ['figure', (row) => row.figure, false],
  ['value', (row) => row.value, true],
  ['detail', (row) => row.detail ?? '', false],
  ['target', (row) => row.target ?? '', false],
  ['met?', (row) => metCell(row.met), false],
];

export const formatRows = (rows: Row[]): string => formatTable(COLUMNS, rows);

/** What one section of a bench measured: rows for the table, and everything else for the JSON. */
export interface SectionReport {
  rows: Row[];
  details: Record<string, unknown>;
  /** How each figure was taken. */
  method: string[];
  /** Failures and warnings (a figure taken while other processes were busy). */
  notes: string[];
}

export function emptySection(): SectionReport {
  return { rows: [], details: {}, method: [], notes: [] };
}

/** Records a part of a section that threw: a `failed` row and the stack in the notes. */
export function recordFailure(
  report: SectionReport,
  section: string,
  what: string,
  error: unknown,
  log: (message: string) => void,
): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  report.notes.push(`${section} ${what} FAILED: ${message}`);
  report.rows.push({
    section,
    figure: what,
    value: 'failed',
    detail: error instanceof Error ? error.message : String(error),
  });
  log(`${what} failed: ${message}`);
}

/** A prefixed progress line on stdout. */
export function logger(prefix: string): (message: string) => void {
  return (message) => {
    process.stdout.write(`[${prefix}] ${message}\n`);
  };
}
