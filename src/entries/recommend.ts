/**
 * `attune/recommend`: the recommendation models, catalog validation, the trigger detectors
 * and the row renderer, for an app that recommends on its own terms (`createAttune()` needs
 * none of this: it loads the widget when a page has a row or a catalog). An entry of its own,
 * apart from `attune`, for the reason `attune/quiz` is (see src/entries/quiz.ts).
 */
export { validateCatalog, type Product, type CatalogProblem, type CatalogValidation } from '../recommend/catalog';
export { forYou, popular, trending, similar, boughtTogether, recentlyViewed, visitorOf, visitorOfProfile, cooccurrence, popularity, detectTriggers } from '../recommend/index';
export type { RecommendInput, RecommendOptions, Visitor, CooccurrenceTable, Neighbours, Counts, TriggerEvent, TriggerMemory } from '../recommend/index';
export { renderRecommendations } from '../widgets/recommend/render';
