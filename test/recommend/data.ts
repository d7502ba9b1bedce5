// Small hand-made catalogs for the model tests.
import type { Product } from '../../src/recommend/catalog';

/** A product with defaults, like validateCatalog's output. */
export const product = (id: string, extra: Partial<Product> = {}): Product => ({
  id,
  title: id,
  url: `/p/${id}`,
  categories: [],
  tags: [],
  attributes: {},
  inStock: true,
  ...extra,
});

/** An outdoor shop: camping, kitchen and shoes; the lamp is out of stock. */
export const shop: Product[] = [
  product('tent', { categories: ['camping'], tags: ['outdoor', 'waterproof'] }),
  product('stove', { categories: ['camping'], tags: ['outdoor', 'cooking'] }),
  product('mug', { categories: ['kitchen'], tags: ['cooking'] }),
  product('boots', { categories: ['shoes'], tags: ['outdoor', 'waterproof', 'leather'], attributes: { colour: 'brown' } }),
  product('sneakers', { categories: ['shoes'], tags: ['canvas'], attributes: { colour: 'white' } }),
  product('sandals', { categories: ['shoes'], tags: ['summer'], attributes: { colour: 'brown' } }),
  product('lamp', { categories: ['camping'], tags: ['outdoor'], inStock: false }),
];

export const ids = (products: Product[]) => products.map((p) => p.id);
