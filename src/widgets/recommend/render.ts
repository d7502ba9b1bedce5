/**
 * Product cards for a recommendation row. Catalog text reaches the DOM only as text
 * (`textContent`, never `innerHTML`), every URL is checked with `safeUrl`, and no
 * inline style is set, so the row works under a strict Content-Security-Policy.
 */
import { safeUrl } from '../../decide/url';
import type { Product } from '../../recommend/catalog';

/** Options of {@link renderRecommendations}. */
export interface RenderOptions {
  /** Called when a card is clicked, with the product and its 1-based position (Segment's "Product Clicked"). */
  onClick?: (product: Product, position: number) => void;
  /** Locale of prices (default: the nearest `lang` attribute, else the browser's). */
  locale?: string;
  /** Currency of products that name none. */
  currency?: string;
  /** Accessible name of the default list, e.g. "Recommended for you". */
  label?: string;
  /** Cards shown at most (default: all given). */
  limit?: number;
}

const formats = new Map<string, Intl.NumberFormat>();
const PLAIN = { minimumFractionDigits: 2, maximumFractionDigits: 2 };

// A price in the product's currency; a bad currency code (Intl throws) falls back to a plain number.
function formatPrice(price: number, currency: string | undefined, locale: string | undefined): string {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, currency ? { style: 'currency', currency } : PLAIN);
    } catch {
      format = new Intl.NumberFormat(undefined, PLAIN);
    }
    formats.set(key, format);
  }
  return format.format(price);
}

const make = <K extends keyof HTMLElementTagNameMap>(tag: K, part: string, field?: string): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  el.className = `attune-recs__${part}`;
  if (field) el.setAttribute('data-attune-field', field);
  return el;
};

// The default card, built as a template would hold it, so one filling serves both. The
// image's alt is empty: the title follows in the same link, and would be read twice.
function defaultCard(): Element {
  const item = make('li', 'item');
  const link = item.appendChild(make('a', 'link', 'link'));
  const image = link.appendChild(make('img', 'image', 'image'));
  image.setAttribute('alt', '');
  image.setAttribute('loading', 'lazy');
  link.append(make('span', 'title', 'title'), make('span', 'price', 'price'));
  return item;
}

/**
 * Renders `products` as cards inside `root`, replacing the cards of a previous call,
 * and returns the ids rendered, in order.
 *
 * With a `<template>` inside `root`, each card is a copy of it, filled by field name:
 * - `data-attune-field="title"`: the title, as text;
 * - `data-attune-field="price"`: the price formatted with `Intl.NumberFormat` in the
 *   product's currency (hidden when the product has no price);
 * - `data-attune-field="image"`: on an `<img>`, `src` (hidden when missing or refused) and,
 *   unless the template sets one, `alt` = the title;
 * - `data-attune-field="link"`: on an `<a>`, `href` = the product URL (left without href when refused);
 * - `data-attune-field="category"`: the first category, as text.
 * Cards go into the element marked `data-attune-list` inside `root`, else at the end of
 * `root`; each card's top elements get `data-attune-card` (the product id) and
 * `data-attune-position` (1-based).
 *
 * Without a template: `<ul class="attune-recs__list">` of `<li class="attune-recs__item">`
 * cards, each one `<a class="attune-recs__link">` holding `<img class="attune-recs__image" alt="">`,
 * `<span class="attune-recs__title">` and `<span class="attune-recs__price">`, filled the
 * same way (and marked with the same `data-attune-*` attributes), except that an image or
 * price the product lacks is left out rather than hidden.
 *
 * @example renderRecommendations(el, forYou(input, { limit: 4 }), { label: 'For you', onClick: (p, i) => track(p, i) })
 */
export function renderRecommendations(root: Element, products: readonly Product[], options: RenderOptions = {}): string[] {
  const shown = products.slice(0, options.limit ?? products.length);
  const locale = options.locale ?? (root.closest('[lang]')?.getAttribute('lang') || undefined);
  const template = root.querySelector('template');
  const list = template ? root.querySelector('[data-attune-list]') ?? root : make('ul', 'list');
  // The previous call's cards: a template's copies, or the default list.
  for (const old of Array.from((template ? list : root).children))
    if (template ? old.hasAttribute('data-attune-card') : old.classList.contains('attune-recs__list')) old.remove();

  shown.forEach((product, i) => {
    const card = template ? (template.content.cloneNode(true) as DocumentFragment) : defaultCard();
    const price = product.price === undefined ? '' : formatPrice(product.price, product.currency ?? options.currency, locale);
    const image = product.image && safeUrl(product.image, 'src') ? product.image : '';
    card.querySelectorAll('[data-attune-field]').forEach((el) => {
      const name = el.getAttribute('data-attune-field');
      if (name == 'title') el.textContent = product.title;
      if (name == 'category') el.textContent = product.categories[0] ?? '';
      if (name == 'price') el.textContent = price;
      // A refused URL leaves an <a> without href, which is not a link.
      if (name == 'link') safeUrl(product.url, 'href') ? el.setAttribute('href', product.url) : el.removeAttribute('href');
      if (name == 'image') {
        image ? el.setAttribute('src', image) : el.removeAttribute('src');
        if (!el.hasAttribute('alt')) el.setAttribute('alt', product.title);
      }
      if (name == 'price' || name == 'image') {
        const empty = name == 'price' ? !price : !image;
        if (empty && !template) el.remove();
        else el.toggleAttribute('hidden', empty);
      }
    });
    for (const el of Array.from(template ? card.children : [card as Element])) {
      el.setAttribute('data-attune-card', product.id);
      el.setAttribute('data-attune-position', String(i + 1));
      el.addEventListener('click', () => {
        try {
          options.onClick?.(product, i + 1);
        } catch {
          // A failing click handler must not break the page's own navigation.
        }
      });
    }
    list.appendChild(card);
  });
  if (!template && shown.length) {
    if (options.label) list.setAttribute('aria-label', options.label);
    root.appendChild(list);
  }
  return shown.map((p) => p.id);
}
