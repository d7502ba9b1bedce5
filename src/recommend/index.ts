/**
 * Recommendations as pure functions, shared by the browser, the collector and the
 * offline benchmark: catalog validation, co-occurrence and popularity (collector
 * side), the five models, and the trigger signals.
 */
export * from './catalog';
export * from './catalog-index';
export * from './cooccurrence';
export * from './popularity';
export * from './visitor';
export * from './rank';
export * from './recently-viewed';
export * from './popular';
export * from './similar';
export * from './bought-together';
export * from './for-you';
export * from './triggers';
