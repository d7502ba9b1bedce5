// Reads a language-neutral vector file written by scripts/stats-vectors.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../vectors/${name}`, import.meta.url)), 'utf8')) as T;
}

/** Whether |actual − expected| ≤ relative·|expected| + absolute. */
export function within(actual: number, expected: number, relative: number, absolute: number): boolean {
  return Math.abs(actual - expected) <= relative * Math.abs(expected) + absolute;
}
