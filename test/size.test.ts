// The size budgets of what a visitor downloads (issue 15), measured on dist/ as `npm test`
// built it (this test builds nothing), with Node's gzip at level 9 as bench/size.mjs does.
// Sizes are deterministic, so a budget fails the tests; timings live in bench/.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const gzip = (file: string) => {
  if (!existsSync(`dist/${file}`)) throw new Error(`dist/${file} is missing: npm test builds it (npm run build)`);
  return gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length;
};

/** The budgets, in bytes of gzip -9: what blocks the first paint, what follows it, and each widget add-on. */
export const BUDGETS = {
  /** dist/attune.min.js: every visitor of every page, before the first paint. */
  tag: 12_000,
  /** dist/attune.min.js + dist/attune.stage2.min.js: every visitor, the second after the first paint. */
  tagAndStage2: 17_000,
  /** dist/attune.quiz.min.js: pages with a quiz. */
  quiz: 6_000,
  /** dist/attune.recs.min.js: pages with a recommendation row or a catalog. */
  recs: 5_000,
};

/**
 * Budgets not met yet, with the size they are held to meanwhile (a ratchet): the test fails
 * if the file grows past it, and fails once the budget is met, so the entry is removed then.
 */
// Measured once the split, compiled conditions and the catalog fix were merged: the tag 16,721 B,
// with its second stage 16,721 + 5,106 B; then 16,748 B (+27 B: the first decision stops waiting for the
// log's listing). (The recommendations add-on meets its budget: 4,997 B.)
const NOT_YET_MET: Partial<Record<keyof typeof BUDGETS, number>> = { tag: 16_750, tagAndStage2: 21_860 };

const sizes = () => {
  const tag = gzip('attune.min.js');
  return { tag, tagAndStage2: tag + gzip('attune.stage2.min.js'), quiz: gzip('attune.quiz.min.js'), recs: gzip('attune.recs.min.js') };
};

describe('size budgets (gzip -9 of dist/)', () => {
  it.each(Object.keys(BUDGETS) as (keyof typeof BUDGETS)[])('%s', (name) => {
    const size = sizes()[name];
    const held = NOT_YET_MET[name];
    if (held === undefined) expect(size, `${name}: ${size} B, budget ${BUDGETS[name]} B`).toBeLessThanOrEqual(BUDGETS[name]);
    else {
      expect(size, `${name}: ${size} B, held to ${held} B until it meets its budget of ${BUDGETS[name]} B`).toBeLessThanOrEqual(held);
      expect(size, `${name} meets its budget now: remove it from NOT_YET_MET`).toBeGreaterThan(BUDGETS[name]);
    }
  });
});
