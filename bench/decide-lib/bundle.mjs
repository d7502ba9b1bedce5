// Attune's engine, validateConfig and @growthbook/growthbook bundled once, in memory, with the
// rollup JS API (node-resolve and @rollup/plugin-typescript with ./tsconfig.json, as
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

/** `{ esm, iife, warnings }`; the IIFE defines window.benchAttune and window.benchGrowthBook. */
export async function buildBundles() {
  const source = [
    reexport(['decidePlacement'], path.join(SRC, 'decide', 'engine.ts')),
    reexport(['validateConfig'], path.join(SRC, 'decide', 'config.ts')),
    reexport(['GrowthBook'], '@growthbook/growthbook'),
  ].join('\n');
  const { es, iife, warnings } = await bundleEntry(source, { name: '__benchDecide', plugins: [nodeEnvProduction], typescript: 'project' });
  return {
    esm: es,
    iife:
      iife +
      '\nwindow.benchAttune = { decidePlacement: __benchDecide.decidePlacement, validateConfig: __benchDecide.validateConfig };' +
      '\nwindow.benchGrowthBook = __benchDecide.GrowthBook;\n',
    warnings,
  };
}
