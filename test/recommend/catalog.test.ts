// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { validateCatalog, type CatalogProblem } from '../../src/recommend/catalog';

const good = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Product ${id}`, url: `/p/${id}`, ...extra });
const pathsOf = (problems: CatalogProblem[], severity?: CatalogProblem['severity']) =>
  problems.filter((p) => !severity || p.severity === severity).map((p) => p.path);

describe('validateCatalog', () => {
  it('keeps good products, normalised, with defaults', () => {
    const { products, problems } = validateCatalog([
      good('a', { image: 'https://cdn.test/a.jpg', price: 12.5, currency: 'eur', categories: ['shoes'], tags: ['eco', 'eco'], attributes: { colour: 'red', vegan: true }, inStock: false, createdAt: '2026-01-02T00:00:00Z' }),
      { id: 7, title: 'Seven', url: 'https://shop.test/p/7' },
    ]);
    expect(problems).toEqual([]);
    expect(products).toEqual([
      {
        id: 'a',
        title: 'Product a',
        url: '/p/a',
        image: 'https://cdn.test/a.jpg',
        price: 12.5,
        currency: 'EUR',
        categories: ['shoes'],
        tags: ['eco'],
        attributes: { colour: 'red', vegan: true },
        inStock: false,
        createdAt: Date.UTC(2026, 0, 2),
      },
      { id: '7', title: 'Seven', url: 'https://shop.test/p/7', categories: [], tags: [], attributes: {}, inStock: true },
    ]);
  });

  it('skips broken items and names each problem by its JSON path', () => {
    const { products, problems } = validateCatalog([
      good('ok-0'),
      'not an object', // $[1]
      { title: 'No id', url: '/x' }, // $[2].id
      good('ok-0'), // $[3].id: duplicate
      { id: '', title: 'Empty id', url: '/x' }, // $[4].id
      { id: { nested: true }, title: 'Object id', url: '/x' }, // $[5].id
      { id: 'no-title', url: '/x' }, // $[6].title
      { id: 'bad-title', title: 42, url: '/x' }, // $[7].title
      { id: 'no-url', title: 'No url' }, // $[8].url
      good('js', { url: 'javascript:alert(1)' }), // $[9].url
      good('data', { url: 'data:text/html,<script>alert(1)</script>' }), // $[10].url
      good('tabbed', { url: 'java\tscript:alert(1)' }), // $[11].url
      good('url-type', { url: ['x'] }), // $[12].url
      null, // $[13]
      good('ok-14'),
    ]);
    expect(products.map((p) => p.id)).toEqual(['ok-0', 'ok-14']);
    expect(pathsOf(problems, 'error')).toEqual([
      '$[1]',
      '$[2].id',
      '$[3].id',
      '$[4].id',
      '$[5].id',
      '$[6].title',
      '$[7].title',
      '$[8].url',
      '$[9].url',
      '$[10].url',
      '$[11].url',
      '$[12].url',
      '$[13]',
    ]);
    expect(problems.find((p) => p.path === '$[3].id')!.message).toContain('$[0]');
    expect(problems.find((p) => p.path === '$[9].url')!.message).toMatch(/must be http\(s\) or relative/);
  });

  it('keeps an item with a bad optional field, leaving that field out with a warning', () => {
    const { products, problems } = validateCatalog([
      good('w', {
        image: 'javascript:alert(1)',
        price: -3,
        currency: 'euro',
        categories: ['ok', 5],
        tags: 'single-tag',
        attributes: { colour: 'red', 'two words': { deep: 1 }, size: null },
        inStock: 'yes',
        createdAt: 'someday',
      }),
      good('v', { image: 42, tags: { not: 'a list' }, attributes: ['x'], price: '12' }),
    ]);
    expect(products.map((p) => p.id)).toEqual(['w', 'v']);
    expect(products[0]).toMatchObject({ categories: ['ok'], tags: ['single-tag'], attributes: { colour: 'red' }, inStock: true });
    expect(products[0].image).toBeUndefined();
    expect(products[0].price).toBeUndefined();
    expect(products[0].currency).toBeUndefined();
    expect(products[0].createdAt).toBeUndefined();
    expect(pathsOf(problems)).toEqual([
      '$[0].image',
      '$[0].price',
      '$[0].currency',
      '$[0].categories[1]',
      '$[0].attributes["two words"]',
      '$[0].attributes.size',
      '$[0].inStock',
      '$[0].createdAt',
      '$[1].image',
      '$[1].price',
      '$[1].tags',
      '$[1].attributes',
    ]);
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('accepts Segment names and a { products, currency } object, with paths under $.products', () => {
    const { products, problems } = validateCatalog({
      currency: 'gbp',
      products: [
        { product_id: 'p1', name: 'Trail shoe', url: '/p1', category: 'shoes', image_url: '/img/p1.png', price: 9 },
        { product_id: 'p2', url: '/p2' },
        { product_id: 'p3', name: 'Priced', url: '/p3', currency: 'USD' },
      ],
    });
    expect(products).toEqual([
      { id: 'p1', title: 'Trail shoe', url: '/p1', image: '/img/p1.png', price: 9, currency: 'GBP', categories: ['shoes'], tags: [], attributes: {}, inStock: true },
      { id: 'p3', title: 'Priced', url: '/p3', currency: 'USD', categories: [], tags: [], attributes: {}, inStock: true },
    ]);
    expect(problems).toEqual([{ path: '$.products[1].title', message: 'title is missing', severity: 'error' }]);
  });

  it('prefers a field\'s own name to its Segment alias, and reports a problem at the key it read', () => {
    const { products, problems } = validateCatalog([
      { id: 'own', product_id: 'alias', title: 'Own', name: 'Alias', url: '/own', image_url: 'javascript:alert(1)', category: ['ok', 7] },
      { product_id: null, name: 'No id', url: '/x' },
    ]);
    expect(products.map((p) => [p.id, p.title, p.image, p.categories])).toEqual([['own', 'Own', undefined, ['ok']]]);
    expect(problems).toEqual([
      { path: '$[0].image_url', message: 'image must be http(s) or relative, not "javascript:alert(1)"', severity: 'warning' },
      { path: '$[0].category[1]', message: 'must be a non-empty string, not number', severity: 'warning' },
      // null is not a value: the alias is not read, and the id is missing.
      { path: '$[1].id', message: 'id is missing', severity: 'error' },
    ]);
  });

  it('reports a catalog that is not a list, and never throws', () => {
    for (const bad of [undefined, null, 'x', 42, { items: [] }]) {
      const { products, problems } = validateCatalog(bad);
      expect(products).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ path: '$', severity: 'error' });
    }
    expect(validateCatalog({ products: [], currency: 'x' }).problems).toEqual([
      { path: '$.currency', message: 'currency must be a three-letter ISO 4217 code', severity: 'warning' },
    ]);
  });

  it('treats ids like "__proto__" as plain ids', () => {
    const { products, problems } = validateCatalog(JSON.parse('[{"id":"__proto__","title":"P","url":"/p"},{"id":"constructor","title":"C","url":"/c"}]'));
    expect(problems).toEqual([]);
    expect(products.map((p) => p.id)).toEqual(['__proto__', 'constructor']);
    const [withKey] = validateCatalog(JSON.parse('[{"id":"a","title":"A","url":"/a","attributes":{"__proto__":"x"}}]')).products;
    expect(Object.keys(withKey.attributes)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
