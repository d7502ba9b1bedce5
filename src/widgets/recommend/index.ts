/**
 * The recommendation widget, loaded only on pages that have a row or a catalog: by
 * the script tag as `attune.recs.min.js`, by bundlers as a separate chunk.
 */
export { mountRecommendations, productsOf, MODELS, type RecommendHost } from './mount';
export { renderRecommendations, type RenderOptions } from './render';
