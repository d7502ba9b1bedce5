// The strategy registry (src/recommend/strategies.ts) names what a page's rows and a placement's
// recommend content accept; the add-on's models, the schema and the docs are held to it here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECOMMEND_STRATEGIES } from '../../src/recommend/strategies';
import { MODELS } from '../../src/widgets/recommend/mount';
import { validateConfig } from '../../src/decide/config';

const read = (file: string) => readFileSync(resolve(__dirname, '../..', file), 'utf8');
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const STRATEGIES = sorted(RECOMMEND_STRATEGIES);
// The backticked names in `text` between `from` and `to`.
const named = (text: string, from: string, to: string) => {
  const start = text.indexOf(from);
  expect(start, from).toBeGreaterThanOrEqual(0);
  return [...text.slice(start, text.indexOf(to, start)).matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
};

describe('recommendation strategies', () => {
  it('each have a model in the add-on, and the add-on has no other', () => {
    expect(sorted(Object.keys(MODELS))).toEqual(STRATEGIES);
  });

  it("are what a placement's recommend content accepts, in the schema and in validateConfig", () => {
    const schema = JSON.parse(read('schema/attune.config.schema.json'));
    expect(sorted(schema.$defs.content.properties.recommend.properties.strategy.enum)).toEqual(STRATEGIES);
    for (const strategy of RECOMMEND_STRATEGIES) {
      const config = { placements: [{ id: 'recs', slot: 'recs', variants: [{ id: 'a', content: { recommend: { strategy, limit: 4 } } }] }] };
      expect(validateConfig(config).problems, strategy).toEqual([]);
    }
    const config = { placements: [{ id: 'recs', slot: 'recs', variants: [{ id: 'a', content: { recommend: { strategy: 'bestsellers' } } }] }] };
    expect(validateConfig(config).problems.map((p) => p.path)).toEqual(['$.placements[0].variants[0].content.recommend.strategy']);
  });

  it('are the lists the docs give', () => {
    const table = named(read('docs/recommend.md'), '| strategy | what | reads |', '\n\n').filter((name) => name != 'data-product');
    expect(sorted(table)).toEqual(STRATEGIES);
    expect(sorted(named(read('docs/config.md'), 'shows a recommendation row:', ', the same rows'))).toEqual(STRATEGIES);
    expect(sorted(named(read('README.md'), 'so they cost no round trip:', '. They leave out'))).toEqual(STRATEGIES);
  });
});
