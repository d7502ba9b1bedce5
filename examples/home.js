// The home page: featured products from the catalog. The "For you" row is Attune's
// own widget (data-attune-recs in index.html).
(function () {
  'use strict';
  const { attune, loadCatalog, renderGrid, showLoadError } = window.Shop;

  const form = document.getElementById('newsletter-form');
  form.addEventListener('submit', (event) => {
    // The click on the button was already recorded by Attune (data-attune-track).
    event.preventDefault();
    document.getElementById('newsletter-status').textContent = 'Thanks, you are on the list. (This is a demo: nothing was sent.)';
  });

  const list = document.getElementById('featured-list');
  loadCatalog()
    .then((catalog) => {
      // Two of each category, mixed.
      const featured = [0, 1].flatMap((n) => catalog.products.filter((_, index) => index % 3 === n));
      renderGrid(list, featured, 'featured');
      list.removeAttribute('aria-busy');
      attune('track', 'Product List Viewed', {
        list_id: 'featured',
        products: featured.map((product, index) => ({ product_id: product.product_id, position: index + 1 })),
      });
    })
    .catch(showLoadError(list));
})();
