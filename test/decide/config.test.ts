import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateConfig, type ConfigProblem } from '../../src/decide/config';
import { evalCondition, KNOWN_OPERATORS } from '../../src/decide/condition';
import { decidePlacement } from '../../src/decide/engine';
import home from '../vectors/configs/home.json';

type Any = any;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const INSTEAD = Symbol('instead');
const instead = (value: unknown) => ({ [INSTEAD]: value });
const brief = (problems: ConfigProblem[]) => problems.map((p) => [p.path, p.severity]);

// A small valid config that each broken case spoils in one place.
const base = () =>
  clone({
    segments: { 'bargain-hunters': { when: { priceBand: 'budget' } } },
    placements: [
      {
        id: 'hero',
        slot: 'hero',
        strategy: 'bandit',
        goal: 'Order Completed',
        variants: [{ id: 'a' }, { id: 'b', when: { age: { $gte: 18 } }, content: { template: 'b' } }],
      },
      {
        id: 'banner',
        selector: '#banner',
        strategy: 'weighted',
        variants: [
          { id: 'x', weight: 0.5, content: { ops: [{ selector: 'h2', text: 'Hi' }] } },
          { id: 'y', weight: 0.5 },
        ],
      },
    ],
  }) as Any;

const hero = (c: Any) => c.placements[0];
const banner = (c: Any) => c.placements[1];
const op = (c: Any) => banner(c).variants[0].content.ops[0];

// [name, spoil, [path, severity][] expected, exactly]
const broken: [string, (c: Any) => unknown, [string, ConfigProblem['severity']][]][] = [
  ['config not an object', () => instead('placements'), [['$', 'error']]],
  ['placements missing', (c) => delete c.placements, [['$.placements', 'error']]],
  ['placements not an array', (c) => (c.placements = {}), [['$.placements', 'error']]],
  ['placement not an object', (c) => (c.placements[1] = 7), [['$.placements[1]', 'error']]],
  ['placement id missing', (c) => delete banner(c).id, [['$.placements[1].id', 'error']]],
  ['placement id empty', (c) => (banner(c).id = ' '), [['$.placements[1].id', 'error']]],
  ['duplicate placement id', (c) => (banner(c).id = 'hero'), [['$.placements[1].id', 'error']]],
  ['duplicate variant id', (c) => (hero(c).variants[1].id = 'a'), [['$.placements[0].variants[1].id', 'error']]],
  ['default names an unknown variant', (c) => (hero(c).default = 'zzz'), [['$.placements[0].default', 'error']]],
  ['variants empty', (c) => (hero(c).variants = []), [['$.placements[0].variants', 'error']]],
  ['variants missing', (c) => delete hero(c).variants, [['$.placements[0].variants', 'error']]],
  ['variant id missing', (c) => delete hero(c).variants[0].id, [['$.placements[0].variants[0].id', 'error']]],
  ['both selector and slot', (c) => (hero(c).selector = '#hero'), [['$.placements[0]', 'error']]],
  ['bad CSS selector', (c) => (banner(c).selector = '##banner'), [['$.placements[1].selector', 'error']]],
  ['bad CSS selector in an op', (c) => (op(c).selector = 'h2 >'), [['$.placements[1].variants[0].content.ops[0].selector', 'error']]],
  ['unknown strategy', (c) => (hero(c).strategy = 'random'), [['$.placements[0].strategy', 'error']]],
  ['holdout out of range', (c) => (hero(c).holdout = 0.7), [['$.placements[0].holdout', 'error']]],
  ['holdout negative', (c) => (hero(c).holdout = -0.1), [['$.placements[0].holdout', 'error']]],
  ['sticky not a boolean', (c) => (hero(c).sticky = 'yes'), [['$.placements[0].sticky', 'error']]],
  ['version not whole', (c) => (hero(c).version = 1.5), [['$.placements[0].version', 'error']]],
  ['attributionDays zero', (c) => (hero(c).attributionDays = 0), [['$.placements[0].attributionDays', 'error']]],
  ['goal a number', (c) => (hero(c).goal = 3), [['$.placements[0].goal', 'error']]],
  ['goal an empty list', (c) => (hero(c).goal = []), [['$.placements[0].goal', 'error']]],
  ['bandit without goal', (c) => delete hero(c).goal, [['$.placements[0]', 'warning']]],
  ['weights do not add up', (c) => (banner(c).variants[1].weight = 0.4), [['$.placements[1].variants', 'error']]],
  ['negative weight', (c) => (banner(c).variants[0].weight = -0.5), [['$.placements[1].variants[0].weight', 'error']]],
  ['weight missing in a split', (c) => delete banner(c).variants[1].weight, [['$.placements[1].variants[1].weight', 'error']]],
  ['weight on a bandit', (c) => (hero(c).variants[0].weight = 1), [['$.placements[0].variants[0].weight', 'warning']]],
  ['unknown operator', (c) => (hero(c).variants[1].when = { $or: [{ age: { $foo: 1 } }] }), [['$.placements[0].variants[1].when.$or[0].age.$foo', 'error']]],
  ['unknown top-level operator', (c) => (hero(c).variants[1].when = { $where: 'x' }), [['$.placements[0].variants[1].when.$where', 'error']]],
  ['$and not an array', (c) => (hero(c).variants[1].when = { $and: {} }), [['$.placements[0].variants[1].when.$and', 'error']]],
  ['$in not an array', (c) => (hero(c).variants[1].when = { country: { $in: 'DE' } }), [['$.placements[0].variants[1].when.country.$in', 'error']]],
  ['bad regular expression', (c) => (hero(c).variants[1].when = { 'page.path': { $regex: '(' } }), [['$.placements[0].variants[1].when["page.path"].$regex', 'error']]],
  ['unknown $type', (c) => (hero(c).variants[1].when = { age: { $type: 'integer' } }), [['$.placements[0].variants[1].when.age.$type', 'error']]],
  ['$or inside a value', (c) => (hero(c).variants[1].when = { age: { $or: [] } }), [['$.placements[0].variants[1].when.age.$or', 'error']]],
  ['unknown operator in $elemMatch', (c) => (hero(c).variants[1].when = { items: { $elemMatch: { price: { $around: 5 } } } }), [['$.placements[0].variants[1].when.items.$elemMatch.price.$around', 'error']]],
  ['operators mixed with plain keys', (c) => (hero(c).variants[1].when = { age: { $gt: 1, x: 2 } }), [['$.placements[0].variants[1].when.age', 'warning']]],
  ['when not an object', (c) => (hero(c).variants[1].when = 'adults'), [['$.placements[0].variants[1].when', 'error']]],
  ['unknown segment in $in', (c) => (hero(c).variants[1].when = { segments: { $in: ['bargain-hunters', 'vip'] } }), [['$.placements[0].variants[1].when.segments.$in[1]', 'error']]],
  ['unknown segment in $not $all', (c) => (hero(c).variants[1].when = { segments: { $not: { $all: ['vip'] } } }), [['$.placements[0].variants[1].when.segments.$not.$all[0]', 'error']]],
  ['segments compared to a bare string', (c) => (hero(c).variants[1].when = { segments: 'bargain-hunters' }), [['$.placements[0].variants[1].when.segments', 'warning']]],
  ['unknown bare segment', (c) => (hero(c).variants[1].when = { $or: [{ segments: 'vip' }] }), [['$.placements[0].variants[1].when.$or[0].segments', 'warning'], ['$.placements[0].variants[1].when.$or[0].segments', 'error']]],
  ['unknown segment in placement segments', (c) => (hero(c).segments = ['bargain-hunters', 'vip']), [['$.placements[0].segments[1]', 'error']]],
  ['unknown operator in a segment', (c) => (c.segments['bargain-hunters'].when = { $foo: 1 }), [['$.segments["bargain-hunters"].when.$foo', 'error']]],
  ['segment without when', (c) => (c.segments['bargain-hunters'] = { description: 'x' }), [['$.segments["bargain-hunters"].when', 'error']]],
  ['segment id "*"', (c) => (c.segments['*'] = { when: {} }), [['$.segments["*"]', 'error']]],
  ['unsafe href', (c) => (op(c).attr = { href: 'javascript:alert(1)' }) && delete op(c).text, [['$.placements[1].variants[0].content.ops[0].attr.href', 'error']]],
  ['unsafe src', (c) => (op(c).attr = { src: 'data:image/svg+xml,<svg onload=alert(1)>' }) && delete op(c).text, [['$.placements[1].variants[0].content.ops[0].attr.src', 'error']]],
  ['mailto as src', (c) => (op(c).attr = { src: 'mailto:a@b.c' }) && delete op(c).text, [['$.placements[1].variants[0].content.ops[0].attr.src', 'error']]],
  ['unsafe srcset candidate', (c) => (op(c).attr = { srcset: '/a.png 1x, vbscript:x 2x' }) && delete op(c).text, [['$.placements[1].variants[0].content.ops[0].attr.srcset', 'error']]],
  ['attribute not allowed', (c) => (op(c).attr = { onclick: 'x()' }) && delete op(c).text, [['$.placements[1].variants[0].content.ops[0].attr.onclick', 'error']]],
  ['attribute not a string', (c) => (op(c).attr = { 'aria-label': 5 }) && delete op(c).text, [['$.placements[1].variants[0].content.ops[0].attr["aria-label"]', 'error']]],
  ['op with two actions', (c) => (op(c).hide = true), [['$.placements[1].variants[0].content.ops[0]', 'error']]],
  ['op with no action', (c) => delete op(c).text, [['$.placements[1].variants[0].content.ops[0]', 'error']]],
  ['hide false', (c) => (banner(c).variants[0].content.ops[0] = { hide: false }), [['$.placements[1].variants[0].content.ops[0].hide', 'error']]],
  ['html key in an op', (c) => (op(c).html = '<b>x</b>'), [['$.placements[1].variants[0].content.ops[0].html', 'warning']]],
  ['content with two kinds', (c) => (hero(c).variants[1].content.quiz = 'q'), [['$.placements[0].variants[1].content', 'error']]],
  ['content of no kind', (c) => (hero(c).variants[1].content = {}), [['$.placements[0].variants[1].content', 'error']]],
  ['quiz a number', (c) => (hero(c).variants[1].content = { quiz: 5 }), [['$.placements[0].variants[1].content.quiz', 'error']]],
  ['recommend strategy unknown', (c) => (hero(c).variants[1].content = { recommend: { strategy: 'bestsellers' } }), [['$.placements[0].variants[1].content.recommend.strategy', 'error']]],
  ['recommend limit too high', (c) => (hero(c).variants[1].content = { recommend: { strategy: 'popular', limit: 1000 } }), [['$.placements[0].variants[1].content.recommend.limit', 'error']]],
  ['template without a slot', (c) => (banner(c).variants[1].content = { template: 'y' }), [['$.placements[1].variants[1].content.template', 'warning']]],
  ['unknown placement key', (c) => (hero(c).colour = 'red'), [['$.placements[0].colour', 'warning']]],
  ['unknown top-level key', (c) => (c.experiments = []), [['$.experiments', 'warning']]],
  ['stats count negative', (c) => (c.stats = { hero: { '*': { a: { impressions: -1, conversions: 0 } } } }), [['$.stats.hero["*"].a.impressions', 'error']]],
  ['stats count missing', (c) => (c.stats = { hero: { '*': { a: { impressions: 1 } } } }), [['$.stats.hero["*"].a.conversions', 'error']]],
  ['stats for an unknown placement', (c) => (c.stats = { gone: {} }), [['$.stats.gone', 'warning']]],
  ['stats for an unknown segment and variant', (c) => (c.stats = { hero: { vip: { zz: { impressions: 1, conversions: 0 } } } }), [['$.stats.hero.vip', 'warning'], ['$.stats.hero.vip.zz', 'warning']]],
];

describe('validateConfig: broken configs', () => {
  it('starts from a valid base', () => {
    expect(validateConfig(base()).problems).toEqual([]);
  });

  it.each(broken)('%s', (_name, spoil, expected) => {
    const config = base();
    const replaced = spoil(config) as Any;
    const { problems } = validateConfig(replaced && INSTEAD in Object(replaced) ? replaced[INSTEAD] : config);
    expect(brief(problems)).toEqual(expected);
    for (const p of problems) expect(p.message).toMatch(/\w/);
  });

  it('reports every problem, not only the first', () => {
    const config = base();
    hero(config).default = 'zzz';
    hero(config).holdout = 2;
    hero(config).variants[1].when = { age: { $foo: 1 }, $bar: [] };
    banner(config).variants[1].weight = 0.2;
    op(config).attr = { href: 'javascript:x' };
    const paths = validateConfig(config).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$.placements[0].default',
        '$.placements[0].holdout',
        '$.placements[0].variants[1].when.age.$foo',
        '$.placements[0].variants[1].when.$bar',
        '$.placements[1].variants',
        '$.placements[1].variants[0].content.ops[0]',
        '$.placements[1].variants[0].content.ops[0].attr.href',
      ]),
    );
  });
});

describe('validateConfig: what runs', () => {
  it('passes the full example with no problems, filling defaults', () => {
    const { config, problems } = validateConfig(clone(home));
    expect(problems).toEqual([]);
    expect(config.placements.map((p) => p.id)).toEqual(['home-hero', 'newsletter', 'deals-row']);
    const [hero, newsletter, deals] = config.placements;
    expect(hero).toMatchObject({ strategy: 'bandit', default: 'classic', holdout: 0.1, sticky: true, version: 0, attributionDays: 7 });
    expect(hero.goal).toEqual(['Product Added', 'Order Completed']);
    expect(newsletter).toMatchObject({ strategy: 'weighted', default: 'plain', goal: ['Order Completed'], version: 2, attributionDays: 14 });
    expect(deals).toMatchObject({ strategy: 'rules', default: 'none', sticky: false, segments: [] });
    expect(config.placements.some((p) => p.broken)).toBe(false);
    expect(Object.keys(config.segments)).toEqual(['bargain-hunters', 'loyal']);
    expect(config.stats['home-hero']['bargain-hunters'].picks).toEqual({ impressions: 880, conversions: 31 });
  });

  it('keeps a broken placement, marked with its first error, and runs the rest', () => {
    const config = base();
    hero(config).default = 'b';
    hero(config).variants[1].when = { age: { $foo: 1 } };
    hero(config).holdout = 9;
    const out = validateConfig(config).config;
    expect(out.placements.map((p) => p.id)).toEqual(['hero', 'banner']);
    // Checked in the order the fields are listed: variants come before holdout.
    expect(out.placements[0].broken).toMatchObject({ path: '$.placements[0].variants[1].when.age.$foo', severity: 'error' });
    expect(out.placements[0].default).toBe('b');
    expect(out.placements[0].holdout).toBe(0);
    expect(out.placements[1].broken).toBeUndefined();
  });

  it('accepts a placement with neither selector nor slot, for pages that render it after decide()', () => {
    const { config, problems } = validateConfig({ placements: [{ id: 'code', variants: [{ id: 'a' }] }] });
    expect(problems).toEqual([]);
    expect(config.placements[0]).toMatchObject({ id: 'code', default: 'a' });
    expect(config.placements[0].broken).toBe(undefined);
  });

  it('falls back to the first variant when default is unknown', () => {
    const config = base();
    hero(config).default = 'nope';
    expect(validateConfig(config).config.placements[0]).toMatchObject({ default: 'a', broken: { path: '$.placements[0].default' } });
  });

  it('is not broken by warnings alone', () => {
    const config = base();
    hero(config).colour = 'red';
    expect(validateConfig(config).config.placements[0].broken).toBeUndefined();
  });

  it('drops placements without an id and later duplicates, and duplicate variants', () => {
    const config = base();
    config.placements.push({ slot: 'x', variants: [{ id: 'a' }] }, { id: 'hero', slot: 'y', variants: [{ id: 'z' }] });
    hero(config).variants.push({ id: 'a', content: { quiz: null } });
    const out = validateConfig(config).config;
    expect(out.placements.map((p) => p.id)).toEqual(['hero', 'banner']);
    expect(out.placements[0].variants.map((v) => v.id)).toEqual(['a', 'b']);
    expect(out.placements[0].slot).toBe('hero');
  });

  it('drops an op with any error whole, so a failed selector never turns into the whole slot', () => {
    const config = base();
    banner(config).variants[0].content = { ops: [{ selector: '##bad', hide: true }] };
    const out = validateConfig(config).config;
    expect(out.placements[1].variants[0].content).toBeUndefined();
    banner(config).variants[0].content = { ops: [{ selector: 'h2', text: 'ok' }, { attr: { href: 'javascript:x' } }] };
    expect(validateConfig(config).config.placements[1].variants[0].content).toBeUndefined();
  });

  it('never lets unknown keys or HTML through', () => {
    const config = base();
    op(config).html = '<img onerror=x>';
    hero(config).variants[0].innerHTML = '<b>';
    const text = JSON.stringify(validateConfig(config).config);
    expect(text).not.toContain('<');
  });

  it('keeps a broken segment defined, marked, so references to it are not errors', () => {
    const config = base();
    config.segments['bargain-hunters'].when = { $foo: 1 };
    hero(config).variants[1].when = { segments: { $in: ['bargain-hunters'] } };
    const { config: out, problems } = validateConfig(config);
    expect(brief(problems)).toEqual([['$.segments["bargain-hunters"].when.$foo', 'error']]);
    expect(out.segments['bargain-hunters'].broken?.path).toBe('$.segments["bargain-hunters"].when.$foo');
    expect(out.placements[0].broken).toBeUndefined();
  });

  it('allows weights that add up within 0.001, and no weights at all (an even split)', () => {
    const config = base();
    banner(config).variants[0].weight = 0.3334;
    banner(config).variants[1].weight = 0.6667;
    expect(validateConfig(config).problems).toEqual([]);
    delete banner(config).variants[0].weight;
    delete banner(config).variants[1].weight;
    expect(validateConfig(config).problems).toEqual([]);
  });

  it('counts only the pool (variants without when) in a weighted split', () => {
    const config = base();
    banner(config).variants.unshift({ id: 'vip', when: { segments: { $in: ['bargain-hunters'] } } });
    expect(validateConfig(config).problems).toEqual([]);
  });

  it('gives prototype-free maps, and never pollutes prototypes', () => {
    const config = JSON.parse('{"segments":{"__proto__":{"when":{}}},"placements":[],"stats":{"__proto__":{}}}');
    const { config: out } = validateConfig(config);
    expect(Object.getPrototypeOf(out.segments)).toBeNull();
    expect(Object.keys(out.segments)).toEqual(['__proto__']);
    expect(({} as Any).when).toBeUndefined();
  });
});

describe('KNOWN_OPERATORS', () => {
  it('is exactly what evalCondition understands', () => {
    for (const op of KNOWN_OPERATORS) {
      const unknown: string[] = [];
      const logic = /^\$(and|or|nor)$/.test(op);
      evalCondition(logic ? { [op]: [] } : { a: { [op]: op == '$not' ? 1 : [] } }, { a: 1 }, (m) => unknown.push(m));
      expect(unknown, op).toEqual([]);
    }
    const unknown: string[] = [];
    evalCondition({ a: { $nope: 1 } }, { a: 1 }, (m) => unknown.push(m));
    expect(unknown).toHaveLength(1);
  });

  it('is accepted by validateConfig wherever evalCondition accepts it', () => {
    const operand: Record<string, unknown> = { $type: 'string', $regex: 'a', $regexi: 'a', $elemMatch: { $gt: 1 }, $not: 1, $exists: true };
    for (const op of KNOWN_OPERATORS.filter((o) => !/^\$(and|or|nor|not)$/.test(o))) {
      const config = base();
      hero(config).variants[1].when = { a: { [op]: op in operand ? operand[op] : /in|all/.test(op) ? [1] : 1 } };
      expect(validateConfig(config).problems, op).toEqual([]);
    }
  });
});

describe('validateConfig never throws', () => {
  it('for random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const { config, problems } = validateConfig(value);
        expect(Array.isArray(config.placements)).toBe(true);
        expect(Array.isArray(problems)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  // Random JSON rarely looks like a config, so also spoil the real one at random places.
  it('for the example config with random values put at random paths', () => {
    const paths: (string | number)[][] = [];
    const walk = (x: Any, path: (string | number)[]) => {
      paths.push(path);
      if (x && typeof x == 'object') for (const k of Object.keys(x)) walk(x[k], [...path, Array.isArray(x) ? +k : k]);
    };
    walk(home, []);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths.slice(1)), fc.jsonValue()), { maxLength: 4 }), (edits) => {
        const config = clone(home) as Any;
        for (const [path, value] of edits) {
          let at = config;
          for (const k of path.slice(0, -1)) at = at && typeof at == 'object' ? at[k] : undefined;
          if (at && typeof at == 'object') at[path[path.length - 1]] = value;
        }
        const { problems } = validateConfig(config);
        for (const p of problems) expect(p.path.startsWith('$')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('for hostile objects: throwing getters, cycles, proxies, odd values', () => {
    const ops: Any = {};
    ops.$not = ops;
    const cyclic: Any = { placements: [{ id: 'a', slot: 's', variants: [{ id: 'v', when: { age: ops } }] }] };
    const when: Any = {};
    when.$and = [when];
    const deep: Any = { placements: [{ id: 'a', slot: 's', variants: [{ id: 'v', when }] }] };
    const getter = { get placements() { throw new Error('boom'); } };
    const proxy = new Proxy({}, { ownKeys() { throw new Error('boom'); } });
    for (const input of [undefined, null, NaN, Symbol('x'), () => 1, cyclic, deep, getter, proxy, { placements: [proxy] }, Object.create(null), [], new Date(), 10n]) {
      const { config, problems } = validateConfig(input);
      expect(config.placements).toBeInstanceOf(Array);
      expect(problems.length).toBeGreaterThan(0);
    }
  });
});

describe('conditions in a validated config', () => {
  // evalCondition compiles a condition once per object, so the config must own its conditions.
  const decide = (config: Any, age: number) => decidePlacement(validateConfig(config).config.placements[0], { attributes: { age }, unitId: 'u1', random: () => 0.5 }).variant;

  it("are the config's own: an edit is seen when the config is given again, and not before", () => {
    const config = base();
    const validated = validateConfig(config).config;
    expect(decide(config, 20)).toBe('b');
    hero(config).variants[1].when.age.$gte = 30;
    expect(decidePlacement(validated.placements[0], { attributes: { age: 20 }, unitId: 'u1', random: () => 0.5 }).variant).toBe('b');
    expect(decide(config, 20)).toBe('a');
    expect(validateConfig(config).config.placements[0].variants[1].when).toEqual({ age: { $gte: 30 } });
  });
});
