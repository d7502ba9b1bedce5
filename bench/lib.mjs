// Shared helpers for the benchmarks: paths, statistics, formatting and the summary table.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (the folder above bench/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const SRC = path.join(ROOT, 'src');

/** The q-quantile (0..1) of numbers, by linear interpolation; does not modify its input. */
export function quantile(values, q) {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}
export const median = (values) => quantile(values, 0.5);

/** 12345 -> "12,345". */
export const int = (n) => Math.round(n).toLocaleString('en-US');

/** A duration given in microseconds, with sensible precision. */
export const us = (micros) =>
  !Number.isFinite(micros) ? 'n/a' : micros >= 100 ? `${int(micros)} µs` : micros >= 10 ? `${micros.toFixed(1)} µs` : `${micros.toFixed(2)} µs`;

/** A duration given in milliseconds. */
export const ms = (millis) => (!Number.isFinite(millis) ? 'n/a' : millis >= 100 ? `${int(millis)} ms` : `${millis.toFixed(1)} ms`);

/** A duration given in nanoseconds. */
export const ns = (nanos) => (!Number.isFinite(nanos) ? 'n/a' : nanos >= 10_000 ? us(nanos / 1000) : `${int(nanos)} ns`);

/** Prints a section heading. */
export const heading = (title) => console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);

/** Prints rows (arrays of cells) as a left-aligned text table, the first row being the header. */
export function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c] ?? '').length)));
  const line = (row) => row.map((cell, c) => String(cell ?? '').padEnd(widths[c])).join('  ').trimEnd();
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.slice(1).forEach((row) => console.log(line(row)));
}
