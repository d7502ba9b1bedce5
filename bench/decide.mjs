// Issue #4's benchmark: one decision for a placement with 20 conditions and 5 variants, Attune's
// engine side by side with @growthbook/growthbook evaluating the same conditions, in Node and in
// Chromium; and (issue #15) evalCondition alone on one 20-leaf condition against GrowthBook's.
// Goals (issue #15; printed, never enforced): decidePlacement at most 0.2× GrowthBook's evalFeature,
// evalCondition at most 0.25× GrowthBook's evalCondition. `node bench/decide.mjs --node` skips Chromium.
//
// Both implementations are bundled once, in memory, with GrowthBook's NODE_ENV checks compiled out
// as in its own browser bundles (decide-lib/bundle.mjs). Node imports the ES build; Chromium gets
// the IIFE from a local server, beside dist/attune.min.js for the instance row. The same
// self-contained function (decide-lib/measure.mjs) checks and times both sides in both realms.
//
// This file runs the bench and reports it; decide-lib/ holds the scenario (scenario.mjs), the Node
// side (node.mjs) and the Chromium side (chromium.mjs).
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { heading, median, printTable, quantile, us } from './lib.mjs';
import { CHROMIUM, hasChromium } from './browser.mjs';
import { buildBundles } from './decide-lib/bundle.mjs';
import { BATCH, BATCHES, CONDITION_LEAVES, describeScenario, params } from './decide-lib/scenario.mjs';
import { PACKAGED_BATCHES, timeInNode } from './decide-lib/node.mjs';
import { describeInstance, timeInChromium } from './decide-lib/chromium.mjs';

/** Issue #15's goals: Attune's time over GrowthBook's. */
const GOAL = { decide: 0.2, condition: 0.25 };

// p10 (the fastest tenth of the batches) is the least disturbed by other processes on a shared machine.
const stats = (perCall) => ({ median: median(perCall), p95: quantile(perCall, 0.95), p10: quantile(perCall, 0.1) });
// The verdict goes by the ratio as printed (2 decimals), so "0.50×" never reads as a miss.
const ratio = (a, g) => (Number.isFinite(a / g) ? `${(a / g).toFixed(2)}×` : 'n/a');
const verdict = (a, g, goal) => (+(a / g).toFixed(2) <= goal ? `goal met (≤ ${goal}×)` : `goal missed (goal ≤ ${goal}×)`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

/** Runs the bench; `options.node` (or `--node` on the command line) skips Chromium. */
export async function run(options = {}) {
  heading('decide(): Attune vs GrowthBook (20 conditions, 5 variants)');
  const started = Date.now();
  const loadBefore = load();
  const { esm, iife, warnings } = await buildBundles();
  console.log(`bundled engine + validateConfig + @growthbook/growthbook 1.8.0 (NODE_ENV=production) in ${((Date.now() - started) / 1000).toFixed(1)} s${warnings.length ? `; warnings: ${warnings.slice(0, 3).join(' | ')}` : ''}`);
  const p = params(['attune', 'gb']);
  console.log(describeScenario());

  const rows = [['realm', 'what', 'median/call', 'p95/call', 'p10/call', 'Attune/GrowthBook: median (p10)', 'batches']];
  const summary = [];
  const addPair = (realm, r, timerNote) => {
    const a = stats(r.times.attune);
    const g = stats(r.times.gb);
    rows.push([realm, 'Attune decidePlacement(placement, { attributes, unitId })', us(a.median), us(a.p95), us(a.p10), `${ratio(a.median, g.median)} (${ratio(a.p10, g.p10)})`, `${BATCHES} × ${BATCH}`]);
    rows.push([realm, "GrowthBook gb.evalFeature('hero')", us(g.median), us(g.p95), us(g.p10), '', `${BATCHES} × ${BATCH}`]);
    summary.push({ metric: `${realm}: Attune decidePlacement`, value: us(a.median), note: `p95 ${us(a.p95)}${timerNote}` });
    summary.push({ metric: `${realm}: GrowthBook evalFeature`, value: us(g.median), note: `p95 ${us(g.p95)}` });
    summary.push({ metric: `${realm}: Attune/GrowthBook`, value: ratio(a.median, g.median), note: `${verdict(a.median, g.median, GOAL.decide)}; ${ratio(a.p10, g.p10)} at p10` });
  };
  const addCondition = (realm, r) => {
    const a = stats(r.times.attune);
    const g = stats(r.times.gb);
    rows.push([realm, `Attune evalCondition(condition, attributes), ${CONDITION_LEAVES} leaves`, us(a.median), us(a.p95), us(a.p10), `${ratio(a.median, g.median)} (${ratio(a.p10, g.p10)})`, `${BATCHES} × ${BATCH}`]);
    rows.push([realm, 'GrowthBook evalCondition(attributes, condition)', us(g.median), us(g.p95), us(g.p10), '', `${BATCHES} × ${BATCH}`]);
    summary.push({ metric: `${realm}: Attune evalCondition (${CONDITION_LEAVES} leaves)`, value: us(a.median), note: `GrowthBook ${us(g.median)}` });
    summary.push({ metric: `${realm}: evalCondition Attune/GrowthBook`, value: ratio(a.median, g.median), note: `${verdict(a.median, g.median, GOAL.condition)}; ${ratio(a.p10, g.p10)} at p10` });
  };

  const node = await timeInNode(esm, p);
  addPair('Node', node.result, '');
  addCondition('Node', node.condition);
  const plainGb = stats(node.packaged.times.gb);
  const plainA = stats(node.packaged.times.attune);

  let chromiumNote = '';
  if (options.node) {
    chromiumNote = 'Chromium figures skipped (--node).';
  } else if (!hasChromium()) {
    chromiumNote = `Chromium figures skipped: no browser at ${CHROMIUM}.`;
    summary.push({ metric: 'Chromium figures', value: 'skipped', note: `no ${CHROMIUM}` });
  } else {
    const { result, condition, instance, timer, pageErrors } = await timeInChromium(iife, p);
    addPair('Chromium', result, `; timer step ${us(timer.step * 1000)}`);
    addCondition('Chromium', condition);
    if (!instance) {
      summary.push({ metric: 'Chromium: Attune instance decide()', value: 'skipped', note: 'no dist/attune.min.js' });
    } else {
      const d = stats(instance.times.decide);
      const s = stats(instance.times.setStats);
      const m = stats(instance.times.memo);
      const g = stats(result.times.gb);
      rows.push(['Chromium', "Attune.setStats(null) + Attune.decide('hero') (script tag)", us(d.median), us(d.p95), us(d.p10), `${ratio(d.median, g.median)} (${ratio(d.p10, g.p10)})`, `${BATCHES} × ${BATCH}`]);
      rows.push(['Chromium', '  of which Attune.setStats(null) alone', us(s.median), us(s.p95), us(s.p10), '', `${BATCHES} × ${BATCH}`]);
      rows.push(['Chromium', "  Attune.decide('hero') memoised (2nd call in a view)", us(m.median), us(m.p95), us(m.p10), '', `${BATCHES} × ${BATCH}`]);
      summary.push({
        metric: 'Chromium: Attune instance decide()',
        value: us(d.median),
        note: `setStats(null) + decide('hero'), ${ratio(d.median, g.median)} GrowthBook's evalFeature; setStats alone ${us(s.median)}`,
      });
      chromiumNote = describeInstance(instance);
    }
    if (pageErrors.length) chromiumNote += `\npage errors: ${pageErrors.slice(0, 3).join(' | ')}`;
  }

  printTable(rows);
  console.log(
    `(goals: decidePlacement at most ${GOAL.decide}× GrowthBook's evalFeature, evalCondition at most ${GOAL.condition}× GrowthBook's; printed, never enforced.\n` +
      ` The evalCondition rows: the same ${CONDITION_LEAVES} attribute tests as the placement's, in one condition that holds for the visitor, so all are tested.\n` +
      ` For reference, in Node GrowthBook imported from the package\n` +
      ` (its development checks of process.env.NODE_ENV live, NODE_ENV unset) takes ${us(plainGb.median)} per call, against Attune's ${us(plainA.median)} in the same ${PACKAGED_BATCHES} batches.)`,
  );
  if (chromiumNote) console.log(chromiumNote);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; load average ${loadBefore} before, ${load()} after, on ${cpus().length} cores)`);
  summary.push({ metric: 'load average (1, 5, 15 min)', value: load(), note: `before: ${loadBefore}` });
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run({ node: process.argv.includes('--node') });
