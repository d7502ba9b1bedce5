/**
 * The collector's limits. Event and batch sizes, id lengths, nesting depth and the
 * timestamp window are the SDK's own, from src/core/limits.ts (Segment's HTTP Tracking
 * API limits, so what the collector accepts Segment or RudderStack accepts too); only
 * what concerns the collector alone is defined here.
 */
export { MAX_BATCH_BYTES, MAX_DEPTH, MAX_EVENT_BYTES, MAX_ID_LENGTH } from '../src/core/limits';

/**
 * Problems listed for one request: the first of each rejected event always (the
 * sender must know every index), the others only while fewer than this are listed.
 */
export const MAX_REPORTED_ERRORS = 100;
