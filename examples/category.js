// The category page, written as a tiny single-page app: choosing a category changes
// the address with history.pushState and redraws the list; Back (popstate) redraws
// it too. Attune records one page view per real change of address.
(function () {
  'use strict';
  const { attune, el, loadCatalog, categoryName, renderGrid, showLoadError } = window.Shop;

  const title = document.getElementById('list-title');
  const count = document.getElementById('list-count');
  const list = document.getElementById('product-list');

  const currentCategory = () => new URLSearchParams(location.search).get('c') || '';

  const render = (catalog) => {
    const category = currentCategory();
    const name = category ? categoryName(catalog, category) : 'All products';
    const products = category ? catalog.products.filter((product) => product.category === category) : catalog.products;
    title.textContent = name ?? 'No such category';
    document.title = `${name ?? 'No such category'} · Trail & Co.`;
    count.textContent = products.length === 1 ? '1 product' : `${products.length} products`;
    if (products.length) renderGrid(list, products, category || 'all');
    else list.replaceChildren(el('li', { class: 'empty', text: 'Nothing here. Try another category.' }));
    list.removeAttribute('aria-busy');

    // Mark the links to this very list, in the filters and in the header.
    for (const link of document.querySelectorAll('a[href^="category.html"]')) {
      const linked = new URL(link.href).searchParams.get('c') || '';
      if (linked === category) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }

    const properties = {
      list_id: category || 'all',
      products: products.map((product, index) => ({ product_id: product.product_id, position: index + 1 })),
    };
    if (category) properties.category = category;
    attune('track', 'Product List Viewed', properties);
  };

  loadCatalog()
    .then((catalog) => {
      // Links to this page change the address in place instead of loading it again.
      document.addEventListener('click', (event) => {
        const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
        if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        const url = new URL(link.href);
        if (url.origin !== location.origin || url.pathname !== location.pathname) return;
        event.preventDefault();
        if (url.href === location.href) return;
        history.pushState(null, '', url.href);
        render(catalog);
        // Tell keyboard and screen-reader users where they are now.
        title.focus();
      });
      addEventListener('popstate', () => render(catalog));
      render(catalog);
    })
    .catch(showLoadError(list));
})();
