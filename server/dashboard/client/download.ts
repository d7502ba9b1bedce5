/**
 * CSV downloads generated in the browser from the report already loaded: no second
 * request, and the file holds exactly the figures on screen.
 */
import { csvFileName } from '../csv';
import { tableCsv, type TableModel } from '../tables';
import { el } from './dom';

/** Saves `text` as a file named `name`, through a Blob URL revoked once used. */
export function saveText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A button that downloads `table` as CSV; its accessible name says which table. */
export function csvButton(site: string, table: TableModel): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'csv' }, 'Download CSV');
  button.setAttribute('aria-label', `Download CSV: ${table.caption}`);
  button.addEventListener('click', () => saveText(csvFileName(site, table.caption), tableCsv(table)));
  return button;
}
