// @vitest-environment node
// validateCatalog on feeds no one wrote by hand: whatever the items hold, it never
// throws, and what it keeps is what the models and the renderer rely on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../../src/recommend/catalog';
import { safeUrl } from '../../src/decide/url';

const text = fc.oneof(fc.string(), fc.constantFrom('', ' ', 'a', 'shoes', '__proto__', 'constructor'));
const url = fc.oneof(fc.webUrl(), fc.constantFrom('/p/1', 'p?id=2', ' javascript:alert(1)', 'java\tscript:x', 'data:text/html,x', 'mailto:a@b.c', ''), fc.string());
const value = fc.oneof(text, url, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }));
// Items with the catalog's own and Segment's field names, each present or not, holding anything.
const anyItem = fc.record(
    {
      id: fc.oneof(text, fc.integer(), value),
      product_id: value,
      title: fc.oneof(text, value),
      name: value,
      url: fc.oneof(url, value),
      image: fc.oneof(url, value),
      image_url: value,
      price: fc.oneof(fc.double(), value),
      currency: fc.oneof(fc.constantFrom('EUR', 'usd', 'EURO'), value),
      categories: fc.oneof(fc.array(text, { maxLength: 3 }), value),
      category: value,
      tags: fc.oneof(fc.array(text, { maxLength: 3 }), value),
      attributes: value,
      inStock: value,
      createdAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), value),
    },
    { requiredKeys: [] },
  );
// Half the items have a usable id, title and link, so the optional fields are read too.
const usable = fc
  .tuple(anyItem, fc.record({ id: fc.stringMatching(/^[a-z0-9-]{1,6}$/), title: fc.constantFrom('Shoe', ' Shell '), url: fc.constantFrom('/p/1', 'https://shop.test/p') }))
  .map(([any, base]) => ({ ...any, ...base }));
const item = fc.oneof(usable, anyItem, value);
const feed = fc.oneof(fc.array(item, { maxLength: 12 }), fc.record({ products: fc.array(item, { maxLength: 12 }), currency: value }), value);

describe('validateCatalog on arbitrary feeds', () => {
  it('never throws; every product kept is one the models and the renderer can use', () => {
    let kept = 0;
    fc.assert(
      fc.property(feed, (raw) => {
        const { products, problems } = validateCatalog(raw);
        kept += products.length;
        expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
        for (const p of products) {
          expect(p.id.trim() && p.title.trim()).toBeTruthy();
          expect(safeUrl(p.url, 'href')).toBe(true);
          if (p.image !== undefined) expect(safeUrl(p.image, 'src')).toBe(true);
          if (p.price !== undefined) expect(Number.isFinite(p.price) && p.price >= 0).toBe(true);
          if (p.currency !== undefined) expect(p.currency).toMatch(/^[A-Z]{3}$/);
          if (p.createdAt !== undefined) expect(Number.isFinite(p.createdAt)).toBe(true);
          for (const list of [p.categories, p.tags]) for (const v of list) expect(typeof v == 'string' && v.trim() !== '').toBe(true);
          for (const v of Object.values(p.attributes)) expect(['string', 'number', 'boolean']).toContain(typeof v);
          expect(typeof p.inStock).toBe('boolean');
        }
        for (const problem of problems) {
          expect(problem.path).toMatch(/^\$/);
          expect(problem.message).not.toBe('');
        }
      }),
      { numRuns: 500 },
    );
    // The feeds are not all refused: the checks above ran on real products.
    expect(kept).toBeGreaterThan(500);
  });
});
