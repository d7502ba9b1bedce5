/**
 * CSV of the dashboard's tables (RFC 4180), safe to open in a spreadsheet.
 * Placement, variant and row names come from visitors' events, so a name such as
 * `=HYPERLINK("http://evil.example", "x")` must not become a formula: a text cell
 * starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
 * (OWASP's advice), which spreadsheets show as text. Numbers are written as numbers:
 * a JavaScript number cannot hold a formula, and `-0.05` must stay a number.
 */

/** A cell: text, a number, or empty. */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as CSV: formula-escaped, then quoted when it holds a comma, quote, line break or edge space. */
export function csvCell(value: CsvCell): string {
  if (value == null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text, CRLF line endings, with a byte order mark so Excel reads UTF-8. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return '\ufeff' + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A file name for a table's CSV: only letters, digits and dashes, whatever the caption. */
export function csvFileName(...parts: string[]): string {
  const slug = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return `${slug || 'table'}.csv`;
}
