// @vitest-environment node
// An app that calls createAttune and shows no widget must not load the quiz, recommendations or
// triggers code at start (issue #15): built against dist/ (npm test builds it first) the way an
// installed `attune` is, through package.json's `exports` and `sideEffects`, each widget's code
// sits only in chunks the entry reaches by dynamic import. Sizes are in bench/app-size.mjs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDONS, PACKAGE_ROOT, addonsIn, appFolder, buildEsbuild, buildRollup, initialChunks, type AppChunk } from '../../bench/app-size-lib/bundlers.mjs';

describe('an app that uses createAttune and no widget', () => {
  let folder: ReturnType<typeof appFolder>;
  beforeAll(() => {
    if (!existsSync(path.join(PACKAGE_ROOT, 'dist', 'index.mjs'))) throw new Error('dist/index.mjs is missing: npm run build first');
    folder = appFolder('create-only');
  });
  afterAll(() => folder?.dispose());

  /** What loads at start and what the build holds in all, for one bundler. */
  const check = (chunks: AppChunk[]) => {
    const { entry, initial } = initialChunks(chunks);
    const early = initial.flatMap((chunk) => addonsIn(chunk).map((name) => `${name} in ${chunk.fileName}`));
    const lazy = chunks.filter((chunk) => !initial.includes(chunk)).flatMap(addonsIn);
    return { entry, early, lazy };
  };

  describe('bundled by Rollup', () => {
    let chunks: AppChunk[];
    beforeAll(async () => {
      chunks = await buildRollup(folder.entry, { minify: false });
    }, 120_000);

    it('has no quiz, recommendations or triggers module or marker in the entry chunk', () => {
      const { entry, early } = check(chunks);
      expect(entry.modules.filter((id) => ADDONS.some(({ module }) => module.test(id)))).toEqual([]);
      expect(ADDONS.filter(({ marker }) => entry.code.includes(marker)).map(({ name }) => name)).toEqual([]);
      expect(early).toEqual([]);
    });

    it('holds each in a chunk of its own, which the entry loads by dynamic import', () => {
      const { entry, lazy } = check(chunks);
      // Were the module patterns or markers wrong, the test above could not fail: they find each add-on here.
      expect(new Set(lazy)).toEqual(new Set(['quiz', 'recs', 'triggers']));
      const lazyFiles = chunks.filter((chunk) => addonsIn(chunk).length).map((chunk) => chunk.fileName);
      for (const file of lazyFiles) expect(entry.dynamicImports).toContain(file);
      // The instance itself is in the entry, or the app built something else.
      expect(entry.modules.some((id) => /[\\/]api[\\/]create\.mjs$/.test(id))).toBe(true);
    });
  });

  // esbuild's code splitting loads at start any module the main entry reaches statically, even
  // through an unused re-export, that a dynamic chunk also uses: so no widget module may be
  // exported from `attune` itself (they are `attune/quiz` and `attune/recommend`).
  describe('bundled by esbuild --splitting', () => {
    let chunks: AppChunk[];
    beforeAll(async () => {
      chunks = await buildEsbuild(folder.entry, folder.dir);
    }, 120_000);

    it('loads no quiz, recommendations or triggers code at start, and has each in a lazy chunk', () => {
      const { early, lazy } = check(chunks);
      expect(early).toEqual([]);
      expect(new Set(lazy)).toEqual(new Set(['quiz', 'recs', 'triggers']));
    });
  });
});
