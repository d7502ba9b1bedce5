/**
 * A table model drawn as an accessible HTML table: a caption, column headers, row
 * headers in the first column, and for figures with an interval a small CSS bar
 * beside the text (the text carries the numbers; the bar only helps the eye).
 */
import type { Formats } from '../format';
import { formatCell, type Cell, type Ranged, type TableModel } from '../tables';
import { el } from './dom';
import { csvButton } from './download';

const isRanged = (c: Cell): c is Ranged => typeof c === 'object' && c !== null && 'low' in c;

/** The scale of a ranged column: from the lowest low to the highest high, always including 0. */
function extent(table: TableModel, index: number): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const row of table.rows) {
    const c = row[index];
    if (!isRanged(c)) continue;
    for (const v of [c.low, c.high, c.value]) if (v != null && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

// Positions are set through CSSOM (element.style.left = …), which style-src 'self' allows;
// a style="" attribute in markup would be refused.
function intervalBar(c: Ranged, [lo, hi]: [number, number], zeroLine: boolean): HTMLElement | null {
  if (c.low == null || c.high == null || c.value == null) return null;
  const at = (v: number) => `${(((v - lo) / (hi - lo)) * 100).toFixed(2)}%`;
  const track = el('span', { class: 'bar', 'aria-hidden': 'true' });
  const range = el('span', { class: 'bar-range' });
  range.style.left = at(c.low);
  range.style.width = `${(((c.high - c.low) / (hi - lo)) * 100).toFixed(2)}%`;
  const point = el('span', { class: 'bar-point' });
  point.style.left = at(c.value);
  track.append(range, point);
  if (zeroLine) {
    const zero = el('span', { class: 'bar-zero' });
    zero.style.left = at(0);
    track.append(zero);
  }
  return track;
}

/** The table, in a horizontally scrollable, focusable wrapper, with its CSV button. */
export function renderTable(table: TableModel, f: Formats, site: string): HTMLElement {
  const extents = table.columns.map((c, i) => (c.ranged ? extent(table, i) : null));
  const head = el('tr', {}, ...table.columns.map((c) => el('th', { scope: 'col', class: c.kind === 'text' ? undefined : 'num' }, c.label)));
  const body = table.rows.map((row) =>
    el(
      'tr',
      {},
      ...row.map((cell, i) => {
        const column = table.columns[i];
        const text = formatCell(cell, column, f);
        if (i === 0) return el('th', { scope: 'row' }, text);
        const td = el('td', { class: column.kind === 'text' ? undefined : 'num' }, text);
        const range = extents[i];
        if (range && isRanged(cell)) {
          const bar = intervalBar(cell, range, column.kind === 'change');
          if (bar) td.append(bar);
        }
        return td;
      }),
    ),
  );
  const captionId = `${table.id}-caption`;
  const scroller = el(
    'div',
    // Focusable so that keyboard users can scroll a wide table (axe: scrollable-region-focusable).
    { class: 'scroll', tabindex: 0, role: 'region', 'aria-labelledby': captionId },
    el('table', { id: table.id }, el('caption', { id: captionId }, table.caption), el('thead', {}, head), el('tbody', {}, ...body)),
  );
  return el('div', { class: 'table-block' }, scroller, el('p', { class: 'table-actions' }, csvButton(site, table)));
}
