// The code the script tag shares with what it loads is one module, src/shared.ts: every
// built bundle loaded after the tag reads from window.AttuneShared only names that module
// provides, from the stage that is there when it runs. The build writes, beside each such
// bundle, the names it imports from the shared modules (rollup.config.mjs, sharedManifest);
// this test builds nothing.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STAGE2_SHARED, TAG_SHARED } from '../src/shared';

const tagNames = Object.keys(TAG_SHARED);
const allNames = [...tagNames, ...Object.keys(STAGE2_SHARED)];

// Each bundle, and the names there when it runs: the second stage and the debug add-on may
// run before the second stage has added its part; the widget add-ons are loaded by it.
const BUNDLES: [string, string[]][] = [
  ['attune.stage2.min.js', tagNames],
  ['attune.debug.min.js', tagNames],
  ['attune.quiz.min.js', allNames],
  ['attune.recs.min.js', allNames],
  ['attune.triggers.min.js', allNames],
];

const read = (file: string) => {
  if (!existsSync(`dist/${file}`)) throw new Error(`dist/${file} is missing: npm test builds it (npm run build)`);
  return readFileSync(`dist/${file}`, 'utf8');
};

describe('window.AttuneShared (src/shared.ts)', () => {
  it.each(BUNDLES)('%s reads only names the shared module provides', (file, provided) => {
    const imported = JSON.parse(read(`${file}.shared.json`)) as Record<string, string[]>;
    const names = Object.values(imported).flat();
    expect(names.filter((name) => !provided.includes(name))).toEqual([]);
    // The bundle reads them as properties of the global (rollup's `globals`), under these names.
    const code = read(file);
    expect(code).toMatch(/\(AttuneShared[,)]/);
    for (const name of names) expect(code).toContain(`.${name}`);
  });

  it('the tag provides its part, and takes nothing from elsewhere', () => {
    const tag = read('attune.min.js');
    expect(tag).toContain('AttuneShared');
    expect(tag).not.toMatch(/\(AttuneShared[,)]/);
  });
});
