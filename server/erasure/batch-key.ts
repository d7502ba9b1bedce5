/**
 * The erasure key a batch carries: `"erasureKey": { "anonymousId": "…", "hash": "<SHA-256 hex>" }`
 * at the top level of the body, beside `batch` (Segment ignores fields it does not know).
 * It is stored for that anonymous id only when none is stored yet (trust on first use),
 * and only from a batch holding an accepted event of that id, so a key is tied to an
 * id that writes. The SDK sends it with every batch; after the first it costs one
 * `INSERT OR IGNORE` that changes nothing, in the batch's own transaction
 * (event-store.ts).
 */
import { isObject, type ValidEvent } from '../validate-event';
import { ERASURE_HASH } from './store';

/** A batch's erasure key, for the anonymous id of one of its accepted events. */
export interface ErasureKeyOfBatch {
  site: string;
  anonymousId: string;
  hash: string;
}

/** The batch's erasure key, if it carries a well-formed one for an id among its accepted `events`. */
export function erasureKeyOf(body: unknown, events: readonly ValidEvent[]): ErasureKeyOfBatch | undefined {
  const key = isObject(body) ? body.erasureKey : undefined;
  if (!isObject(key) || typeof key.hash !== 'string' || !ERASURE_HASH.test(key.hash)) return undefined;
  const owner = events.find((e) => e.anonymousId !== null && e.anonymousId === key.anonymousId);
  return owner ? { site: owner.site, anonymousId: owner.anonymousId!, hash: key.hash } : undefined;
}
