// Shared helpers of the demo shop: the catalog, product cards, and the header's cart
// count. Data from the catalog reaches the page as text (textContent, setAttribute),
// never as HTML.
(function () {
  'use strict';

  /**
   * Calls Attune through its queue, so the call works before the script tag has
   * loaded (it is replayed then) and after (it runs at once).
   */
  const attune = (...call) => (window.attune = window.attune || []).push(call);

  /** Runs `callback(Attune)` once the script tag has loaded; never if it does not. */
  const whenAttune = (callback) => {
    if (window.Attune) return callback(window.Attune);
    const tag = document.querySelector('script[data-site]');
    tag?.addEventListener('load', () => window.Attune && callback(window.Attune), { once: true });
  };

  /** Creates an element: `text` becomes its textContent, other props become attributes. */
  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children) node.append(child);
    return node;
  };

  let catalog;
  /** The catalog, fetched once. */
  const loadCatalog = () =>
    (catalog ||= fetch('catalog.json').then((response) => {
      if (!response.ok) throw new Error(`catalog.json: HTTP ${response.status}`);
      return response.json();
    }));

  const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });
  const formatPrice = (price) => (typeof price === 'number' ? money.format(price) : '');

  const categoryName = (data, id) => data.categories.find((category) => category.id === id)?.name;

  /** The product as Segment's e-commerce spec names its properties. */
  const toProduct = (product, extra = {}) => ({
    product_id: product.product_id,
    name: product.name,
    category: product.category,
    tags: product.tags,
    price: product.price,
    currency: 'EUR',
    ...extra,
  });

  // Only local images and plain colours from the catalog are used.
  const SAFE_IMAGE = /^img\/[a-z0-9-]+\.svg$/;
  const SAFE_COLOR = /^#[0-9a-f]{3,8}$/i;

  /** The product's picture: a coloured block with a local line drawing. */
  const swatch = (product) => {
    const block = el('span', { class: 'swatch' });
    if (SAFE_COLOR.test(product.color)) block.style.setProperty('--swatch', product.color);
    if (SAFE_IMAGE.test(product.image)) block.append(el('img', { src: product.image, alt: '' }));
    return block;
  };

  const productUrl = (product) => `product.html?id=${encodeURIComponent(product.product_id)}`;

  /**
   * A product card. Its link is tracked declaratively: a click records
   * "Product Clicked" with the `data-attune-prop-*` attributes as properties.
   */
  const productCard = (product, position, listId) =>
    el('li', {}, [
      el(
        'a',
        {
          class: 'card-link',
          href: productUrl(product),
          'data-attune-track': 'Product Clicked',
          'data-attune-prop-product-id': product.product_id,
          'data-attune-prop-category': product.category,
          'data-attune-prop-position': position,
          'data-attune-prop-list-id': listId,
        },
        [
          swatch(product),
          el('span', { class: 'card-name', text: product.name }),
          el('span', { class: 'card-meta', text: product.tags.join(' · ') }),
          el('span', { class: 'price', text: formatPrice(product.price) }),
        ],
      ),
    ]);

  /** Fills `list` with cards of `products`. */
  const renderGrid = (list, products, listId) =>
    list.replaceChildren(...products.map((product, index) => productCard(product, index + 1, listId)));

  /** Keeps `#cart-status` in step with the cart that Attune's profile holds. */
  const bindCartStatus = () => {
    const status = document.getElementById('cart-status');
    if (!status) return;
    const update = () => {
      const { count, value } = window.Attune.profile().cart;
      status.textContent = count ? `Cart: ${count} · ${formatPrice(value)}` : 'Cart: empty';
    };
    whenAttune((Attune) => {
      // The profile is read from storage first; until then it knows only this page.
      Attune.ready.then(update);
      Attune.on('event', update);
    });
  };

  /** A handler that shows, in `target`, why the catalog could not be loaded. */
  const showLoadError = (target) => (error) =>
    target.replaceChildren(
      el(target.tagName === 'UL' || target.tagName === 'OL' ? 'li' : 'p', {
        class: 'empty',
        role: 'alert',
        text: `Sorry, the catalog could not be loaded (${error.message}).`,
      }),
    );

  bindCartStatus();

  window.Shop = { attune, whenAttune, el, loadCatalog, formatPrice, categoryName, toProduct, swatch, productUrl, productCard, renderGrid, showLoadError };
})();
