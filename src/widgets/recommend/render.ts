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

// A price in the product's currency; a bad currency code (Intl throws) falls back to a plain number.
function formatPrice(price: number, currency: string | undefined, locale: string | undefined): string {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch {
      format = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    formats.set(key, format);
  }
  return format.format(price);
}

const make = <K extends keyof HTMLElementTagNameMap>(tag: K, part: string): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  el.className = `attune-recs__${part}`;
  return el;
};

// The link's target only when safe: a refused URL leaves an <a> without href, which is not a link.
const setHref = (a: Element, url: string) => (safeUrl(url, 'href') ? a.setAttribute('href', url) : a.removeAttribute('href'));

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
 * cards, each one `<a class="attune-recs__link">` holding `<img class="attune-recs__image" alt="">`
 * (the title follows in the same link, so screen readers would read it twice as alt),
 * `<span class="attune-recs__title">` and `<span class="attune-recs__price">`.
 *
 * @example renderRecommendations(el, forYou(input, { limit: 4 }), { label: 'For you', onClick: (p, i) => track(p, i) })
 */
export function renderRecommendations(root: Element, products: readonly Product[], options: RenderOptions = {}): string[] {
  const shown = products.slice(0, options.limit ?? products.length);
  const locale = options.locale ?? (root.closest('[lang]')?.getAttribute('lang') || undefined);
  const priceOf = (p: Product) => (p.price === undefined ? '' : formatPrice(p.price, p.currency ?? options.currency, locale));
  const template = root.querySelector('template');
  const track = (el: Element, product: Product, position: number) =>
    el.addEventListener('click', () => {
      try {
        options.onClick?.(product, position);
      } catch {
        // A failing click handler must not break the page's own navigation.
      }
    });

  if (template) {
    const list = root.querySelector('[data-attune-list]') ?? root;
    for (const old of Array.from(list.children)) if (old.hasAttribute('data-attune-card')) old.remove();
    shown.forEach((product, i) => {
      const card = template.content.cloneNode(true) as DocumentFragment;
      const price = priceOf(product);
      card.querySelectorAll('[data-attune-field]').forEach((el) => {
        const name = el.getAttribute('data-attune-field');
        if (name == 'title') el.textContent = product.title;
        if (name == 'category') el.textContent = product.categories[0] ?? '';
        if (name == 'price') (el.textContent = price), el.toggleAttribute('hidden', !price);
        if (name == 'link') setHref(el, product.url);
        if (name == 'image') {
          const src = product.image && safeUrl(product.image, 'src') ? product.image : '';
          src ? el.setAttribute('src', src) : el.removeAttribute('src');
          el.toggleAttribute('hidden', !src);
          if (!el.hasAttribute('alt')) el.setAttribute('alt', product.title);
        }
      });
      for (const el of Array.from(card.children)) {
        el.setAttribute('data-attune-card', product.id);
        el.setAttribute('data-attune-position', String(i + 1));
        track(el, product, i + 1);
      }
      list.appendChild(card);
    });
  } else {
    for (const old of Array.from(root.children)) if (old.classList.contains('attune-recs__list')) old.remove();
    if (shown.length) {
      const list = make('ul', 'list');
      if (options.label) list.setAttribute('aria-label', options.label);
      shown.forEach((product, i) => {
        const item = make('li', 'item');
        const link = make('a', 'link');
        const title = make('span', 'title');
        item.setAttribute('data-attune-card', product.id);
        setHref(link, product.url);
        if (product.image && safeUrl(product.image, 'src')) {
          const image = make('img', 'image');
          image.setAttribute('src', product.image);
          image.setAttribute('alt', '');
          image.setAttribute('loading', 'lazy');
          link.appendChild(image);
        }
        title.textContent = product.title;
        link.appendChild(title);
        const price = priceOf(product);
        if (price) {
          const priceEl = make('span', 'price');
          priceEl.textContent = price;
          link.appendChild(priceEl);
        }
        item.appendChild(link);
        track(item, product, i + 1);
        list.appendChild(item);
      });
      root.appendChild(list);
    }
  }
  return shown.map((p) => p.id);
}
