/**
 * The recommendation strategies, one registry: the names a row on the page
 * (`data-attune-recs="…"`) and a placement's `{ "recommend": { "strategy": … } }` both
 * accept. Only names live here, since the script tag checks configs and must not carry
 * the models; the models are the recommendation add-on's `MODELS`
 * (src/widgets/recommend/mount.ts), typed by this list, so a name without a model does
 * not compile. The schema's list and the docs' are tested against it
 * (test/recommend/strategies.test.ts).
 *
 * `similar` and `bought-together` rank around the product in `data-product` (else the
 * one viewed last), `products` shows the ids in `data-product`; in a placement's slot
 * they read the slot's own `data-product`.
 */
export const RECOMMEND_STRATEGIES = ['for-you', 'popular', 'trending', 'similar', 'bought-together', 'recently-viewed', 'products'] as const;

/** Which recommendation row a variant or a page's row shows. */
export type RecommendStrategy = (typeof RECOMMEND_STRATEGIES)[number];
