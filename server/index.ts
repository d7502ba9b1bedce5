/**
 * The bundled Attune collector: `startCollector` for programs and tests, `runCli`
 * for `bin/attune-collector.mjs`. Built to dist/collector.mjs.
 */
export { startCollector, type CollectorOptions, type RunningCollector } from './collector';
export { runCli } from './cli';
export { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from './limits';
export type { StatsResponse, VariantStats } from './stats';
export type { ValidationError } from './validate-event';
export type { CooccurrenceTable, Neighbours } from '../src/recommend/cooccurrence';
export type { Counts } from '../src/recommend/popularity';
export { COLLECTOR_COOCCURRENCE } from './cooccurrence-cache';
export { POPULAR_HALF_LIFE_DAYS, type PopularResponse } from './popular-cache';
