/**
 * The product catalog the recommendation models rank: validated at the door like
 * config, so one bad item (a missing id, a `javascript:` link) is reported with its
 * JSON path and skipped, and the rest of the catalog still works.
 */
import { hasOwn } from '../core/own';
import { isObject, seg } from '../decide/condition';
import { safeUrl } from '../decide/url';

/** A product as the models and widgets use it, every field normalised. */
export interface Product {
  id: string;
  title: string;
  /** Where the card links to: http(s) or relative. */
  url: string;
  /** http(s) or relative; absent when missing or refused. */
  image?: string;
  price?: number;
  /** ISO 4217 code, e.g. `EUR`. */
  currency?: string;
  categories: string[];
  tags: string[];
  /** Flat facts used by content similarity, e.g. `{ colour: 'red', vegan: true }`. */
  attributes: Record<string, string | number | boolean>;
  /** Default true. */
  inStock: boolean;
  /** When the product was added, milliseconds since the epoch. */
  createdAt?: number;
}

/** One problem of a catalog item. */
export interface CatalogProblem {
  /** JSON path, e.g. `$[3].url` or `$.products[3].url`. */
  path: string;
  /** What is wrong, for people; the path is not repeated in it. */
  message: string;
  /** `error`: the item is skipped; `warning`: the field is left out and the item kept. */
  severity: 'error' | 'warning';
}

/** What {@link validateCatalog} returns. */
export interface CatalogValidation {
  products: Product[];
  problems: CatalogProblem[];
}

type Item = Record<string, unknown>;

const isText = (v: unknown): v is string => typeof v == 'string' && /\S/.test(v);
// A field the item gives a value (null counts as not given).
const has = (o: Item, k: string) => hasOwn(o, k) && o[k] != null;
// A currency code, upper-cased, if `v` is three letters.
const iso4217 = (v: unknown) => (typeof v == 'string' && /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined);
const show = (v: unknown) => (Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v == 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v);

// Segment's e-commerce names are accepted too, so a feed built for analytics
// (`product_id`, `name`, `category`, `image_url`) needs no renaming.
const ALIASES: Record<string, string> = { id: 'product_id', title: 'name', image: 'image_url', categories: 'category' };

// Where a field is read from: its own name, unless only its Segment alias is given.
const keyOf = (item: Item, name: string) => (has(item, name) || !has(item, ALIASES[name] ?? name) ? name : ALIASES[name]);

/**
 * Checks a catalog and returns the products that may be shown, with every problem
 * and its JSON path. It never throws. `items` is an array of products, or an object
 * `{ products: [...], currency? }` whose `currency` is every product's default.
 *
 * - errors (the item is skipped): not an object; `id` missing, empty, not a string or
 *   number, or repeating an earlier id; `title` missing or empty; `url` missing or not
 *   a safe link (http, https, relative);
 * - warnings (the field is left out): `image` not a safe image URL, `price` not a
 *   number ≥ 0, `currency` not three letters, `categories`/`tags` not strings,
 *   `attributes` values not strings, numbers or booleans, `inStock` not a boolean
 *   (the product is kept and counted in stock), `createdAt` not a date.
 *
 * Other fields (description, colour…) are ignored.
 *
 * @example validateCatalog([{ id: 'p1', title: 'Trail shoe', url: '/p/p1', price: 89, currency: 'EUR' }])
 */
export function validateCatalog(items: unknown): CatalogValidation {
  const problems: CatalogProblem[] = [];
  const products: Product[] = [];
  let list = items;
  let base = '$';
  let currency: string | undefined;
  if (isObject(items) && Array.isArray(items.products)) {
    list = items.products;
    base = '$.products';
    currency = iso4217(items.currency);
    if (!currency && has(items, 'currency')) problems.push({ path: '$.currency', message: 'currency must be a three-letter ISO 4217 code', severity: 'warning' });
  }
  if (!Array.isArray(list)) {
    problems.push({ path: '$', message: `must be a list of products or { products: [...] }, not ${show(items)}`, severity: 'error' });
    return { products, problems };
  }
  const seen = new Map<string, number>();
  // Paths are built only for problems: a clean 10,000-item feed allocates none.
  let i = 0;
  const report = (severity: CatalogProblem['severity']) => (key: string, message: string) =>
    problems.push({ path: `${base}[${i}]${key ? `.${key}` : ''}`, message, severity });
  const error = report('error');
  const warn = report('warning');
  for (; i < list.length; i++) validateItem(list[i]);
  return { products, problems };

  function validateItem(item: unknown): void {
    if (!isObject(item)) return void error('', `a product must be an object, not ${show(item)}`);

    const idKey = keyOf(item, 'id');
    const rawId = item[idKey];
    const id = typeof rawId == 'number' && isFinite(rawId) ? String(rawId) : rawId;
    if (!isText(id)) return void error(idKey, rawId === undefined ? 'id is missing' : `id must be a non-empty string or a number, not ${show(rawId)}`);
    if (seen.has(id)) return void error(idKey, `id "${id}" repeats ${base}[${seen.get(id)}]`);
    const titleKey = keyOf(item, 'title');
    const title = item[titleKey];
    if (!isText(title)) return void error(titleKey, title === undefined ? 'title is missing' : `title must be a non-empty string, not ${show(title)}`);
    const url = item.url;
    if (typeof url != 'string' || !url.trim()) return void error('url', url === undefined ? 'url is missing' : `url must be a non-empty string, not ${show(url)}`);
    if (!safeUrl(url, 'href')) return void error('url', `url must be http(s) or relative, not ${show(url)}`);
    seen.set(id, i);

    // Prototype-free attributes: a feed's "__proto__" key is data, not a prototype.
    const product: Product = { id, title, url, categories: [], tags: [], attributes: Object.create(null), inStock: true };
    const imageKey = keyOf(item, 'image');
    if (has(item, imageKey)) {
      const value = item[imageKey];
      if (typeof value == 'string' && value.trim() && safeUrl(value, 'src')) product.image = value;
      else warn(imageKey, typeof value == 'string' ? `image must be http(s) or relative, not ${show(value)}` : `image must be a string, not ${show(value)}`);
    }
    if (has(item, 'price')) {
      if (typeof item.price == 'number' && isFinite(item.price) && item.price >= 0) product.price = item.price;
      else warn('price', `price must be a number ≥ 0, not ${show(item.price)}`);
    }
    if (has(item, 'currency')) {
      product.currency = iso4217(item.currency);
      if (!product.currency) warn('currency', `currency must be a three-letter ISO 4217 code, not ${show(item.currency)}`);
    }
    product.currency ??= currency;
    for (const name of ['categories', 'tags'] as const) {
      const key = keyOf(item, name);
      if (!has(item, key)) continue;
      const value = item[key];
      const values = typeof value == 'string' ? [value] : value;
      if (!Array.isArray(values)) warn(key, `${name} must be a list of strings, not ${show(value)}`);
      else
        values.forEach((v, j) => {
          if (isText(v)) product[name].includes(v) || product[name].push(v);
          else warn(`${key}[${j}]`, `must be a non-empty string, not ${show(v)}`);
        });
    }
    if (has(item, 'attributes')) {
      const attributes = item.attributes;
      if (!isObject(attributes)) warn('attributes', `attributes must be an object, not ${show(attributes)}`);
      else
        for (const [key, value] of Object.entries(attributes)) {
          if (typeof value == 'string' || typeof value == 'boolean' || (typeof value == 'number' && isFinite(value))) product.attributes[key] = value;
          else warn('attributes' + seg(key), `an attribute must be a string, number or boolean, not ${show(value)}`);
        }
    }
    if (has(item, 'inStock')) {
      if (typeof item.inStock == 'boolean') product.inStock = item.inStock;
      else warn('inStock', `inStock must be true or false, not ${show(item.inStock)}; counted in stock`);
    }
    if (has(item, 'createdAt')) {
      const value = item.createdAt;
      const time = typeof value == 'number' ? value : typeof value == 'string' ? Date.parse(value) : NaN;
      if (isFinite(time)) product.createdAt = time;
      else warn('createdAt', `createdAt must be an ISO 8601 date or epoch milliseconds, not ${show(value)}`);
    }
    products.push(product);
  }
}
