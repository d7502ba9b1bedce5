import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderRecommendations } from '../../../src/widgets/recommend/render';
import type { Product } from '../../../src/recommend/catalog';

const product = (id: string, extra: Partial<Product> = {}): Product => ({
  id,
  title: `Title ${id}`,
  url: `/p/${id}`,
  categories: ['shoes'],
  tags: [],
  attributes: {},
  inStock: true,
  ...extra,
});
const XSS = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>';

const mount = (html = '') => {
  const root = document.createElement('div');
  root.innerHTML = html; // the test's own markup, not data
  document.body.appendChild(root);
  return root;
};
afterEach(() => {
  document.body.innerHTML = '';
});

describe('renderRecommendations, default markup', () => {
  it('renders an accessible list of linked cards and returns the ids', () => {
    const root = mount();
    const rendered = renderRecommendations(
      root,
      [product('a', { image: '/img/a.png', price: 12.5, currency: 'EUR' }), product('b')],
      { label: 'Recommended for you', locale: 'en-GB' },
    );
    expect(rendered).toEqual(['a', 'b']);
    const list = root.querySelector('ul.attune-recs__list')!;
    expect(list.getAttribute('aria-label')).toBe('Recommended for you');
    const items = list.querySelectorAll(':scope > li.attune-recs__item');
    expect(items).toHaveLength(2);
    const link = items[0].querySelector('a.attune-recs__link')!;
    expect(link.getAttribute('href')).toBe('/p/a');
    const image = link.querySelector('img.attune-recs__image')!;
    expect(image.getAttribute('src')).toBe('/img/a.png');
    expect(image.getAttribute('alt')).toBe('');
    expect(link.querySelector('.attune-recs__title')!.textContent).toBe('Title a');
    expect(link.querySelector('.attune-recs__price')!.textContent).toBe('€12.50');
    expect(items[0].getAttribute('data-attune-card')).toBe('a');
    // No price, no image: neither element.
    expect(items[1].querySelector('.attune-recs__price, img')).toBeNull();
  });

  it('formats prices with Intl.NumberFormat in the currency and the nearest lang', () => {
    const root = mount();
    root.setAttribute('lang', 'de-DE');
    renderRecommendations(root, [product('a', { price: 1234.5, currency: 'EUR' }), product('b', { price: 3 }), product('c', { price: 4, currency: 'NOPE!' })], { currency: 'USD' });
    const prices = [...root.querySelectorAll('.attune-recs__price')].map((el) => el.textContent);
    expect(prices[0]).toBe(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234.5));
    expect(prices[1]).toBe(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'USD' }).format(3));
    // A bad code is not a crash: the price shows as a plain number.
    expect(prices[2]).toMatch(/4[.,]00/);
  });

  it('renders XSS payloads in titles as text', () => {
    const root = mount();
    renderRecommendations(root, [product('x', { title: XSS })]);
    expect(root.querySelector('.attune-recs__title')!.textContent).toBe(XSS);
    expect(root.querySelectorAll('img, script')).toHaveLength(0);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('never turns a javascript: (or data:) URL into a link or an image', () => {
    const root = mount();
    renderRecommendations(root, [
      product('js', { url: 'javascript:alert(1)', image: 'javascript:alert(2)' }),
      product('tab', { url: ' java\tscript:alert(1)', image: 'data:image/svg+xml,<svg onload=alert(1)>' }),
    ]);
    const links = root.querySelectorAll('a');
    expect(links).toHaveLength(2);
    links.forEach((a) => expect(a.hasAttribute('href')).toBe(false));
    expect(root.querySelectorAll('img')).toHaveLength(0);
  });

  it('replaces the previous cards, renders nothing for no products, honours limit, sets no inline style', () => {
    const root = mount('<h2>For you</h2>');
    renderRecommendations(root, [product('a'), product('b'), product('c')], { limit: 2 });
    expect(root.querySelectorAll('li')).toHaveLength(2);
    renderRecommendations(root, [product('d')]);
    expect([...root.querySelectorAll('li')].map((li) => li.getAttribute('data-attune-card'))).toEqual(['d']);
    expect(renderRecommendations(root, [])).toEqual([]);
    expect(root.querySelector('ul')).toBeNull();
    expect(root.querySelector('h2')!.textContent).toBe('For you');
    renderRecommendations(root, [product('e', { price: 1, image: '/e.png' })]);
    expect(root.querySelectorAll('[style]')).toHaveLength(0);
  });

  it('reports clicks with the product and its 1-based position, and survives a throwing handler', () => {
    const root = mount();
    const onClick = vi.fn();
    const products = [product('a'), product('b')];
    renderRecommendations(root, products, { onClick });
    (root.querySelectorAll('.attune-recs__title')[1] as HTMLElement).click();
    expect(onClick).toHaveBeenCalledWith(products[1], 2);
    renderRecommendations(root, products, {
      onClick: () => {
        throw new Error('analytics down');
      },
    });
    expect(() => (root.querySelector('a') as HTMLElement).click()).not.toThrow();
  });
});

describe('renderRecommendations, with a template', () => {
  const TEMPLATE = `
    <h2>Similar</h2>
    <template>
      <article class="card">
        <a data-attune-field="link"><img data-attune-field="image"><span data-attune-field="title"></span></a>
        <p data-attune-field="price"></p>
        <small data-attune-field="category"></small>
      </article>
    </template>
    <div class="row" data-attune-list></div>`;

  it('fills a copy of the template per product into [data-attune-list]', () => {
    const root = mount(TEMPLATE);
    const rendered = renderRecommendations(root, [product('a', { image: '/a.png', price: 5, currency: 'GBP' }), product('b')], { locale: 'en-GB' });
    expect(rendered).toEqual(['a', 'b']);
    const cards = root.querySelectorAll('[data-attune-list] > article.card');
    expect(cards).toHaveLength(2);
    expect(cards[0].getAttribute('data-attune-card')).toBe('a');
    expect(cards[1].getAttribute('data-attune-position')).toBe('2');
    expect(cards[0].querySelector('a')!.getAttribute('href')).toBe('/p/a');
    expect(cards[0].querySelector('img')!.getAttribute('src')).toBe('/a.png');
    expect(cards[0].querySelector('img')!.getAttribute('alt')).toBe('Title a');
    expect(cards[0].querySelector('[data-attune-field="title"]')!.textContent).toBe('Title a');
    expect(cards[0].querySelector('[data-attune-field="price"]')!.textContent).toBe('£5.00');
    expect(cards[0].querySelector('[data-attune-field="category"]')!.textContent).toBe('shoes');
    // Missing price and image: hidden, not left with the template's blanks.
    expect(cards[1].querySelector('[data-attune-field="price"]')!.hasAttribute('hidden')).toBe(true);
    expect(cards[1].querySelector('img')!.hasAttribute('hidden')).toBe(true);
    expect(cards[1].querySelector('img')!.hasAttribute('src')).toBe(false);
    // The template itself is untouched, and a second render replaces the cards.
    expect(root.querySelector('template')!.content.querySelector('[data-attune-field="title"]')!.textContent).toBe('');
    renderRecommendations(root, [product('c')]);
    expect([...root.querySelectorAll('article.card')].map((el) => el.getAttribute('data-attune-card'))).toEqual(['c']);
  });

  it('fills text fields with text and leaves unsafe URLs out', () => {
    const root = mount(TEMPLATE);
    renderRecommendations(root, [product('x', { title: XSS, url: 'javascript:alert(1)', image: 'javascript:alert(1)', categories: [XSS] })]);
    const card = root.querySelector('article.card')!;
    expect(card.querySelector('[data-attune-field="title"]')!.textContent).toBe(XSS);
    expect(card.querySelector('[data-attune-field="category"]')!.textContent).toBe(XSS);
    expect(card.querySelector('a')!.hasAttribute('href')).toBe(false);
    expect(card.querySelector('img')!.hasAttribute('src')).toBe(false);
    expect(card.querySelectorAll('script')).toHaveLength(0);
    expect(card.querySelectorAll('img')).toHaveLength(1);
  });

  it('appends to the root when there is no [data-attune-list], keeps a template alt, and tracks clicks', () => {
    const root = mount('<template><a data-attune-field="link"><img data-attune-field="image" alt=""><b data-attune-field="title"></b></a></template>');
    const onClick = vi.fn();
    const products = [product('a', { image: '/a.png' }), product('b')];
    renderRecommendations(root, products, { onClick });
    const links = root.querySelectorAll(':scope > a[data-attune-card]');
    expect(links).toHaveLength(2);
    expect(links[0].querySelector('img')!.getAttribute('alt')).toBe('');
    (links[0].querySelector('b') as HTMLElement).click();
    expect(onClick).toHaveBeenCalledWith(products[0], 1);
  });
});
