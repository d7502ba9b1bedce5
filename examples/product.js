// The product page: renders one product from the catalog (product.html?id=…), and
// tells Attune about the view and about additions to the cart.
(function () {
  'use strict';
  const { attune, el, loadCatalog, categoryName, formatPrice, toProduct, swatch, showLoadError } = window.Shop;

  const container = document.getElementById('product');
  const id = new URLSearchParams(location.search).get('id');
  // The recommendation rows are about this product (set before Attune renders them).
  document.querySelectorAll('[data-attune-recs="similar"], [data-attune-recs="bought-together"]').forEach((row) => id && row.setAttribute('data-product', id));

  const notFound = () => {
    document.title = 'Product not found · Trail & Co.';
    document.getElementById('crumb-product').textContent = 'Not found';
    container.replaceChildren(
      el('div', {}, [
        el('h1', { id: 'product-name', text: 'Product not found' }),
        el('p', {}, ['We have nothing with that id. ', el('a', { href: 'category.html', text: 'See all products' }), '.']),
      ]),
    );
  };

  const render = (catalog, product) => {
    const category = categoryName(catalog, product.category) ?? product.category;
    document.title = `${product.name} · Trail & Co.`;
    const crumb = document.getElementById('crumb-category');
    crumb.textContent = category;
    crumb.setAttribute('href', `category.html?c=${encodeURIComponent(product.category)}`);
    document.getElementById('crumb-product').textContent = product.name;

    const status = el('p', { class: 'status', role: 'status' });
    const add = el('button', { type: 'button', class: 'button', id: 'add-to-cart', text: 'Add to cart' });
    add.addEventListener('click', () => {
      // Through the queue, so it works even if the script tag has not loaded yet.
      attune('productAdded', toProduct(product, { quantity: 1 }));
      status.textContent = `Added ${product.name} to the cart.`;
    });

    container.replaceChildren(
      swatch(product),
      el('div', {}, [
        el('h1', { id: 'product-name', text: product.name }),
        el('p', { class: 'price', text: formatPrice(product.price) }),
        el('p', { class: 'lead', text: product.description }),
        el('ul', { class: 'tags', 'aria-label': 'Tags' }, product.tags.map((tag) => el('li', { text: tag }))),
        el('div', { class: 'actions' }, [add]),
        status,
      ]),
    );

  };

  loadCatalog()
    .then((catalog) => {
      const product = catalog.products.find((candidate) => candidate.product_id === id);
      container.removeAttribute('aria-busy');
      if (!product) return notFound();
      render(catalog, product);
      attune('productViewed', toProduct(product));
    })
    .catch(showLoadError(container));
})();
