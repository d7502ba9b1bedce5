// The Node side: the bundled engine and GrowthBook checked and timed by measureInRealm, then, for
// reference only, GrowthBook as Node apps import it (the package, NODE_ENV unset), since its
// development checks are live there and cost time the bundled build does not.
import { int } from '../lib.mjs';
import { importText } from '../browser.mjs';
import { assertAgreement, measureConditionInRealm, measureInRealm } from './measure.mjs';

/** Batches for the package-import reference: a side note, so fewer than the main figures. */
export const PACKAGED_BATCHES = 60;

/**
 * Imports the ES bundle (written under .tmp/ for the import, removed at once) and measures both
 * sides; throws when they disagree. Resolves with `{ result, packaged, condition }`: measureInRealm's
 * results, and measureConditionInRealm's for the 20-leaf condition.
 */
export async function timeInNode(esm, p) {
  const lib = await importText(esm, 'bench-decide-');
  const result = measureInRealm(lib, p);
  assertAgreement('Node', result);
  console.log(`both sides agree in Node: no targeted variant matches; split over ${int(p.ids.length)} ids: ${Object.entries(result.picks).map(([v, c]) => `${v} ${c}`).join(', ')}, the same id by id`);

  const { GrowthBook } = await import('@growthbook/growthbook');
  const packaged = measureInRealm({ ...lib, GrowthBook }, { ...p, batches: PACKAGED_BATCHES });
  assertAgreement('Node (package import)', packaged);
  const condition = measureConditionInRealm(lib, p);
  assertAgreement('Node (evalCondition)', condition);
  return { result, packaged, condition };
}
