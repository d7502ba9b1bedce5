import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaChecker } from '../json-schema';
import { validateConfig } from '../../src/decide/config';
import { KNOWN_OPERATORS } from '../../src/decide/condition';
import home from '../vectors/configs/home.json';

type Any = any;
const text = readFileSync(resolve(__dirname, '../../schema/attune.config.schema.json'), 'utf8');
const schema = JSON.parse(text);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

const valid = schemaChecker(schema);

const base = () =>
  clone({
    segments: { vip: { when: { 'orders.count': { $gte: 3 } } } },
    placements: [{ id: 'hero', slot: 'hero', goal: 'Order Completed', variants: [{ id: 'a' }, { id: 'b', content: { template: 'b' } }] }],
  }) as Any;
const v1 = (c: Any) => c.placements[0].variants[1];
const edit = (f: (c: Any) => unknown) => {
  const c = base();
  f(c);
  return c;
};

// Configs both can judge. Agreement: schema-valid exactly when validateConfig finds no problem.
const examples: [string, unknown][] = [
  ['the full example', home],
  ['the base', base()],
  ['no placements', { placements: [] }],
  ['a weighted split', edit((c) => Object.assign(c.placements[0], { strategy: 'weighted', variants: [{ id: 'a', weight: 0.25 }, { id: 'b', weight: 0.75 }] }))],
  ['every op kind', edit((c) => (v1(c).content = { ops: [{ text: '' }, { selector: 'h1', attr: { href: 'mailto:a@b.c', title: 't', srcset: '/a.png 1x, https://x.y/b.png 2x' } }, { addClass: 'a b' }, { removeClass: 'c' }, { hide: true }, { show: true }] }))],
  ['a quiz of null', edit((c) => (v1(c).content = { quiz: null }))],
  ['a recommendation', edit((c) => (v1(c).content = { recommend: { strategy: 'bought-together', limit: 6 } }))],
  ['rich conditions', edit((c) => (v1(c).when = { $or: [{ 'page.path': { $regexi: '^/sale' } }, { tags: { $elemMatch: { $eq: 'x' } } }, { items: { $elemMatch: { price: { $gt: 5 } } } }, { $not: { age: { $type: 'number', $vgte: '1.2.0' } } }, { obj: { a: 1 } }, { segments: { $in: ['vip'] } }] }))],
  ['stats', edit((c) => (c.stats = { hero: { '*': { a: { impressions: 10, conversions: 1 } }, vip: { b: { impressions: 3, conversions: 0 } } } }))],
  ['neither selector nor slot (rendered by code)', edit((c) => (c.placements[0] = { id: 'code', variants: [{ id: 'a' }, { id: 'b' }] }))],
  ['not an object', []],
  ['placements missing', { segments: {} }],
  ['an unknown key', edit((c) => (c.placements[0].colour = 'red'))],
  ['both selector and slot', edit((c) => (c.placements[0].selector = '#hero'))],
  ['no variants', edit((c) => (c.placements[0].variants = []))],
  ['a variant without id', edit((c) => delete v1(c).id)],
  ['holdout above 0.5', edit((c) => (c.placements[0].holdout = 0.6))],
  ['a negative weight', edit((c) => (v1(c).weight = -1))],
  ['a fractional version', edit((c) => (c.placements[0].version = 0.5))],
  ['a strategy that does not exist', edit((c) => (c.placements[0].strategy = 'random'))],
  ['an unknown operator', edit((c) => (v1(c).when = { age: { $around: 30 } }))],
  ['an unknown top-level operator', edit((c) => (v1(c).when = { $where: 'x' }))],
  ['$in not an array', edit((c) => (v1(c).when = { age: { $in: 3 } }))],
  ['$and not an array', edit((c) => (v1(c).when = { $and: { a: 1 } }))],
  ['an unknown $type', edit((c) => (v1(c).when = { age: { $type: 'int' } }))],
  ['operators mixed with plain keys', edit((c) => (v1(c).when = { age: { $gt: 1, b: 2 } }))],
  ['javascript: in href', edit((c) => (v1(c).content = { ops: [{ attr: { href: 'JavaScript:alert(1)' } }] }))],
  ['data: in src', edit((c) => (v1(c).content = { ops: [{ attr: { src: ' data:text/html,x' } }] }))],
  ['vbscript: in srcset', edit((c) => (v1(c).content = { ops: [{ attr: { srcset: '/a.png 1x,vbscript:x 2x' } }] }))],
  ['tel: in src', edit((c) => (v1(c).content = { ops: [{ attr: { src: 'tel:123' } }] }))],
  ['an attribute not allowed', edit((c) => (v1(c).content = { ops: [{ attr: { style: 'color:red' } }] }))],
  ['an op with two actions', edit((c) => (v1(c).content = { ops: [{ text: 'a', hide: true }] }))],
  ['hide: false', edit((c) => (v1(c).content = { ops: [{ hide: false }] }))],
  ['content of two kinds', edit((c) => (v1(c).content = { template: 'b', quiz: 'q' }))],
  ['a recommendation without strategy', edit((c) => (v1(c).content = { recommend: { limit: 3 } }))],
  ['a segment named *', edit((c) => (c.segments['*'] = { when: {} }))],
  ['a segment without when', edit((c) => (c.segments.vip = {}))],
  ['stats with negative counts', edit((c) => (c.stats = { hero: { '*': { a: { impressions: -1, conversions: 0 } } } }))],
  ['a goal of no names', edit((c) => (c.placements[0].goal = []))],
  ['attributionDays of 0', edit((c) => (c.placements[0].attributionDays = 0))],
];

// What only validateConfig can see: references between parts, sums, CSS and regex syntax.
const beyondSchema: [string, unknown][] = [
  ['duplicate placement ids', edit((c) => c.placements.push(clone(c.placements[0])))],
  ['duplicate variant ids', edit((c) => (v1(c).id = 'a'))],
  ['default naming an unknown variant', edit((c) => (c.placements[0].default = 'zz'))],
  ['an unknown segment in a condition', edit((c) => (v1(c).when = { segments: { $in: ['nobody'] } }))],
  ['weights that do not add up', edit((c) => Object.assign(c.placements[0], { strategy: 'weighted', variants: [{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.4 }] }))],
  ['a bad CSS selector', edit((c) => (v1(c).content = { ops: [{ selector: 'a >', hide: true }] }))],
  ['a bad regular expression', edit((c) => (v1(c).when = { a: { $regex: '[' } }))],
];

describe('schema/attune.config.schema.json', () => {
  it('is JSON Schema 2020-12 with descriptions for editors', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    for (const name of ['placement', 'variant', 'content', 'op', 'attr', 'condition', 'segment']) expect(schema.$defs[name].description).toMatch(/\w/);
    for (const [name, prop] of Object.entries<Any>(schema.$defs.placement.properties)) expect(prop.description ?? prop.$ref, name).toBeTruthy();
  });

  it('lists the same operators as the condition language', () => {
    const logic = Object.keys(schema.$defs.condition.properties);
    const values = Object.keys(schema.$defs.operators.properties);
    expect(logic).toEqual(['$and', '$or', '$nor', '$not']);
    expect([...logic.slice(0, 3), ...values].sort()).toEqual([...KNOWN_OPERATORS].sort());
  });

  it.each(examples)('agrees with validateConfig on %s', (_name, config) => {
    const problems = validateConfig(config).problems;
    expect(valid(schema, config), JSON.stringify(problems)).toBe(problems.length == 0);
  });

  it('has a sensible split between valid and invalid examples', () => {
    const verdicts = examples.map(([, c]) => valid(schema, c));
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(9);
    expect(verdicts.filter((x) => !x).length).toBeGreaterThanOrEqual(25);
  });

  it.each(beyondSchema)('leaves %s to validateConfig', (_name, config) => {
    expect(valid(schema, config)).toBe(true);
    expect(validateConfig(config).problems.some((p) => p.severity == 'error')).toBe(true);
  });
});

describe('docs/config.md', () => {
  it('shows the full example exactly as tested', () => {
    const doc = readFileSync(resolve(__dirname, '../../docs/config.md'), 'utf8');
    const block = /```json\n([\s\S]*?)```/.exec(doc);
    expect(JSON.parse(block![1])).toEqual(home);
  });
});
