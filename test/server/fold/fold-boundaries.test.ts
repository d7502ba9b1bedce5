// @vitest-environment node
// Exactly once, whatever the fold's boundaries: one event stream stored and folded all
// at once, one event per fold and in random splits leaves every aggregate and trigger
// table with the same rows (the fold driver sorts a fold's events by visitor, so this is
// also independent of how visitors interleave within a fold).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/database';
import { startFoldInThread } from '../../../server/aggregate-fold';
import { COLLECTOR_COOCCURRENCE } from '../../../server/cooccurrence-cache';
import { createCoocKeeper } from '../../../server/cooc/keeper';
import { coocSettings } from '../../../server/cooc/options';
import { createBatchWriter, createEventStore } from '../../../server/event-store';
import { placementRules } from '../../../server/exposure-rules';
import { createFoldApply } from '../../../server/fold-hooks';
import { sitesFrom } from '../../../server/sites';
import { validateBatch } from '../../../server/validate-batch';
import { dumpFoldTables, eventStream, MINUTE, T0 } from './fold-fixtures';

const sites = sitesFrom({
  sites: { shop: { writeKeys: ['wk_test_0123456789abcdef'], webhooks: [{ url: 'https://hooks.example/in', events: ['Cart Abandoned'], secret: 'whsec_0123456789abcdefghijklmn', traits: ['plan'] }] } },
});
const NOW = T0 + 4 * 24 * 60 * MINUTE;

/** Stores and folds `events` in consecutive folds of the given sizes, with every fold hook; returns every fold table's rows. */
async function foldInChunks(events: Record<string, unknown>[], sizes: number[]) {
  const db = openDatabase(':memory:');
  const cooc = createCoocKeeper(db, coocSettings(COLLECTOR_COOCCURRENCE), (_, error) => {
    throw error;
  });
  const fold = startFoldInThread(db, createFoldApply(db, { rulesOf: placementRules(undefined), sites, cooc }));
  try {
    const store = createEventStore(db, createBatchWriter(db, 0, fold.queue));
    let at = 0;
    for (const size of sizes) {
      const chunk = events.slice(at, at + size);
      at += size;
      if (chunk.length === 0) continue;
      const valid = validateBatch({ batch: chunk }, 'shop', NOW);
      if (!valid.ok || valid.rejected.length) throw new Error(`the generator made an invalid event: ${JSON.stringify(valid.ok ? valid.rejected : valid.errors)}`);
      await store.storeBatch(valid.events, NOW);
      await fold.settle();
    }
    return dumpFoldTables(db);
  } finally {
    await fold.close();
    cooc.close();
    db.close();
  }
}

describe('the fold', () => {
  it('writes the same rows whatever the fold boundaries: all at once, one event per fold, random splits', async () => {
    await fc.assert(
      fc.asyncProperty(eventStream(), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 30 }), async (events, cuts) => {
        const whole = await foldInChunks(events, [events.length]);
        expect(await foldInChunks(events, events.map(() => 1))).toEqual(whole);
        expect(await foldInChunks(events, [...cuts, events.length])).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('fills every table the test compares (a generator that missed a rule would prove nothing)', async () => {
    const rows = await Promise.all(fc.sample(eventStream(60), { numRuns: 20, seed: 7 }).map((events) => foldInChunks(events, [events.length])));
    for (const [table, some] of Object.entries(rows[0])) {
      expect.soft(rows.some((r) => r[table].length > 0), table).toBe(true);
      void some;
    }
  });
});
