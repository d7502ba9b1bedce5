// Attune's engine, evalCondition and validateConfig, and @growthbook/growthbook (its GrowthBook and
// evalCondition), bundled once, in memory, with the rollup JS API (node-resolve and @rollup/plugin-typescript with ./tsconfig.json, as
// rollup.config.mjs does): an ES module for Node and an IIFE for the page, from one build so both
// realms time the same code.
import path from 'node:path';
import { SRC } from '../lib.mjs';
import { bundleEntry, reexport } from '../browser.mjs';

/**
 * GrowthBook's `process.env.NODE_ENV` checks become "production", as any app bundler makes them,
 * so its development logging is compiled out exactly like in its own published browser bundles.
 */
const nodeEnvProduction = {
  name: 'bench-node-env-production',
  transform: (code) => (code.includes('process.env.NODE_ENV') ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null } : null),
};

/**
 * `{ esm, iife, warnings }`; the IIFE defines window.benchAttune (decidePlacement, validateConfig,
 * evalCondition), window.benchGrowthBook and window.benchGbEvalCondition (GrowthBook's evalCondition).
 */
export async function buildBundles() {
  const source = [
    reexport(['decidePlacement'], path.join(SRC, 'decide', 'engine.ts')),
    reexport(['validateConfig'], path.join(SRC, 'decide', 'config.ts')),
    reexport(['evalCondition'], path.join(SRC, 'decide', 'condition.ts')),
    'export { GrowthBook, evalCondition as gbEvalCondition } from "@growthbook/growthbook";',
  ].join('\n');
  const { es, iife, warnings } = await bundleEntry(source, { name: '__benchDecide', plugins: [nodeEnvProduction], typescript: 'project' });
  return {
    esm: es,
    iife:
      iife +
      '\nwindow.benchAttune = { decidePlacement: __benchDecide.decidePlacement, validateConfig: __benchDecide.validateConfig, evalCondition: __benchDecide.evalCondition };' +
      '\nwindow.benchGbEvalCondition = __benchDecide.gbEvalCondition;' +
      '\nwindow.benchGrowthBook = __benchDecide.GrowthBook;\n',
    warnings,
  };
}
