// The tag's defensive config reader: it never throws, leaves out a placement it cannot
// use (one problem with the path of the part it could not use), and reads a valid config
// as the validator does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readConfig } from '../../src/decide/config-reader';
import { validateConfig } from '../../src/decide/config';
import home from '../vectors/configs/home.json';
import { makeAttune } from '../helpers';

type Any = any;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const valid = () =>
  clone({
    segments: { fans: { when: { priceBand: 'budget' } } },
    placements: [
      { id: 'hero', slot: 'hero', strategy: 'bandit', goal: 'Order Completed', variants: [{ id: 'a' }, { id: 'b', when: { age: { $gte: 18 } }, content: { template: 'b' } }] },
      { id: 'split', selector: '#s', strategy: 'weighted', variants: [{ id: 'x', weight: 0.25, content: { ops: [{ text: 'Hi' }] } }, { id: 'y', weight: 0.75 }] },
    ],
  }) as Any;

describe('readConfig', () => {
  it('reads a valid config as the validator does: the same placements, defaults filled in', () => {
    for (const config of [valid(), home]) {
      const full = validateConfig(config).config;
      const read = readConfig(config);
      expect(read.problems).toEqual([]);
      const keys = ['id', 'slot', 'selector', 'strategy', 'default', 'goal', 'holdout', 'sticky', 'version', 'segments', 'attributionDays'];
      const pick = (p: Any) => Object.fromEntries(keys.map((k) => [k, p[k]]));
      expect(read.config.placements.map(pick)).toEqual(full.placements.map(pick));
      expect(read.config.placements.map((p) => p.variants.map((v) => v.id))).toEqual(full.placements.map((p) => p.variants.map((v) => v.id)));
      expect(Object.keys(read.config.segments)).toEqual(Object.keys(full.segments));
      expect(read.config.holdout).toBe(full.holdout);
    }
  });

  it.each([
    ['a variant without an id', (c: Any) => delete c.placements[0].variants[1].id, '$.placements[0].variants[1].id'],
    ['a repeated variant id', (c: Any) => (c.placements[0].variants[1].id = 'a'), '$.placements[0].variants[1].id'],
    ['no variants', (c: Any) => (c.placements[0].variants = []), '$.placements[0].variants'],
    ['a when that is no condition', (c: Any) => (c.placements[0].variants[1].when = 'adults'), '$.placements[0].variants[1].when'],
    ['content of two kinds', (c: Any) => (c.placements[0].variants[1].content.ops = []), '$.placements[0].variants[1].content'],
    ['an unknown strategy', (c: Any) => (c.placements[0].strategy = 'best'), '$.placements[0].strategy'],
    ['weights that do not add up to 1', (c: Any) => (c.placements[1].variants[1].weight = 0.7), '$.placements[1].variants'],
    ['a weight missing from the split', (c: Any) => delete c.placements[1].variants[1].weight, '$.placements[1].variants'],
    ['both slot and selector', (c: Any) => (c.placements[1].slot = 's'), '$.placements[1].selector'],
    ['an unknown default', (c: Any) => (c.placements[0].default = 'z'), '$.placements[0].default'],
    ['a goal that is no name', (c: Any) => (c.placements[0].goal = 7), '$.placements[0].goal'],
    ['a holdout over 0.5', (c: Any) => (c.placements[0].holdout = 0.9), '$.placements[0].holdout'],
    ['a fractional version', (c: Any) => (c.placements[0].version = 1.5), '$.placements[0].version'],
    ['a repeated placement id', (c: Any) => (c.placements[1].id = 'hero'), '$.placements[1].id'],
  ])('leaves out a placement with %s, naming where, and keeps the others', (_name, spoil, path) => {
    const config = valid();
    spoil(config);
    const { config: read, problems, left } = readConfig(config);
    expect(problems).toEqual([{ path, message: expect.stringMatching(/left out/), severity: 'error' }]);
    const index = +path.match(/placements\[(\d)\]/)![1];
    expect(read.placements.map((p) => p.id)).toEqual(index == 0 ? ['split'] : ['hero']);
    if (path != '$.placements[1].id') expect(left[config.placements[index].id]).toBe(problems[0]);
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
    const cyclic: Any = { placements: [] };
    cyclic.placements.push(cyclic);
    for (const raw of [undefined, null, 7, 'x', [], { placements: 'x' }, { placements: [null, 1, []] }, hostile, cyclic, { segments: hostile, placements: [] }])
      expect(() => readConfig(raw)).not.toThrow();
    fc.assert(fc.property(fc.anything(), (raw) => Array.isArray(readConfig(raw).config.placements)));
    fc.assert(fc.property(fc.object({ maxDepth: 4 }), (raw) => Array.isArray(readConfig({ placements: [raw] }).config.placements)));
  });
});

describe('a placement the tag cannot use', () => {
  it('keeps the page\'s own markup in its slot, and is reported once', async () => {
    document.body.innerHTML = `<section data-attune-slot="hero"><h1>Page</h1><template data-attune-variant="campaign"><h1>Campaign</h1></template></section>`;
    // No explicit default: the validator would have shown the first variant, a targeted campaign, to everyone.
    const config = { placements: [{ id: 'hero', slot: 'hero', variants: [{ id: 'campaign', when: 'eco', content: { template: 'campaign' } }, { id: 'plain' }] }] };
    const { attune, errors } = makeAttune({ config });
    await attune.ready;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(document.querySelector('h1')!.textContent).toBe('Page');
    expect(attune.decide('hero')).toMatchObject({ variant: null, reason: 'error', explain: { error: { path: '$.placements[0].variants[0].when' } } });
    attune.setConfig(config);
    expect(errors.map((e) => [e.code, e.path])).toEqual([['config-invalid', 'config.placements[0].variants[0].when']]);
    document.body.innerHTML = '';
  });
});
