#!/usr/bin/env node
// Turns the UCI "Online Retail" sample into interactions files for `npm run bench:recs`:
//   bench/data/online-retail-customer.csv  user = customer (next purchase)
//   bench/data/online-retail-invoice.csv   user = invoice  (basket completion)
//
// Source: UCI Machine Learning Repository, "Online Retail" (Daqing Chen, Sai Liang Sain and
// Kun Guo, 2012), https://archive.ics.uci.edu/dataset/352/online+retail, licence CC BY 4.0;
// the first 10,000 rows (1-5 December 2010) are in ../shared/datasets/online-retail-2010-12.csv.
//
// Rules (the ones under which popularity scores the reference HR@10 of 0.079 and 0.095):
// - cancellations (InvoiceNo starting with "C") and rows with a quantity ≤ 0 are skipped;
// - the customer view skips rows without a CustomerID ("17850.0" is written "17850");
// - a product bought twice by the same user keeps only its latest row, so the held-out
//   "last item" is never also a training item;
// - InvoiceDate is UK time, which in December is UTC: written as ISO 8601 with "Z".
// Rows keep the file's order, which breaks ties between lines of one invoice.
//
// Usage: node scripts/online-retail-to-interactions.mjs [source.csv] [out-dir]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseCsv, toCsv } from '../bench/recs-lib/csv.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE = path.resolve(ROOT, '../shared/datasets/online-retail-2010-12.csv');

/** The two views of the UCI CSV text: `{ customer, invoice }`, each a list of `[user, item, time]`. */
export function convertOnlineRetail(text) {
  const [header, ...rows] = parseCsv(text);
  const at = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`online retail: no "${name}" column`);
    return i;
  };
  const [inv, code, qty, date, cust] = ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate', 'CustomerID'].map(at);
  const views = { customer: new Map(), invoice: new Map() };
  for (const row of rows) {
    if (row.length < header.length || row[inv].startsWith('C') || !(+row[qty] > 0)) continue;
    const time = new Date(`${row[date].replace(' ', 'T')}Z`).toISOString().replace('.000Z', 'Z');
    const customer = row[cust].trim().replace(/\.0$/, '');
    for (const [view, user] of [['customer', customer], ['invoice', row[inv]]]) {
      if (!user) continue;
      const key = `${user}\u0000${row[code]}`;
      // Delete then set: the latest row of a pair takes the place of the earlier one
      // (rows are in time order), so the kept rows stay in file order.
      views[view].delete(key);
      views[view].set(key, [user, row[code], time]);
    }
  }
  return { customer: [...views.customer.values()], invoice: [...views.invoice.values()] };
}

/** Writes both files into `dir` and returns their paths. */
export function writeOnlineRetail(source = SOURCE, dir = path.join(ROOT, 'bench/data')) {
  const views = convertOnlineRetail(readFileSync(source, 'utf8'));
  mkdirSync(dir, { recursive: true });
  return Object.entries(views).map(([view, rows]) => {
    const file = path.join(dir, `online-retail-${view}.csv`);
    writeFileSync(file, toCsv([['user', 'item', 'time'], ...rows]));
    return file;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const file of writeOnlineRetail(process.argv[2] ? path.resolve(process.argv[2]) : SOURCE, process.argv[3] ? path.resolve(process.argv[3]) : undefined)) {
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
