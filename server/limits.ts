/**
 * Size limits of the batch endpoint: Segment's HTTP Tracking API limits, so a batch
 * the collector accepts is one Segment or RudderStack accepts too.
 */

/** Largest request body of `POST /v1/batch`, in bytes (500 KB). */
export const MAX_BATCH_BYTES = 500 * 1024;

/** Largest single event in a batch, serialised as JSON, in bytes (32 KB). */
export const MAX_EVENT_BYTES = 32 * 1024;

/** Most validation errors reported for one request: enough to fix a client, bounded for a hostile one. */
export const MAX_REPORTED_ERRORS = 100;
