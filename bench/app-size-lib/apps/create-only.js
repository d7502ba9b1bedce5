// An app that uses the npm module's instance and no widget: the page shows no quiz, no
// recommendation row and no catalog, so the widgets' code must stay in chunks it never loads.
import { createAttune } from 'attune';

const attune = createAttune({ site: 'shop-1', onError: (error) => console.warn(error.code, error.path) });
attune.productViewed({ product_id: 'p1', category: 'shoes', price: 59 });
window.attune = attune;
