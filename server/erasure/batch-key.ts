/**
 * The erasure key a batch carries: `"erasureKey": { "anonymousId": "…", "hash": "<SHA-256 hex>" }`
 * at the top level of the body, beside `batch` (Segment ignores fields it does not know).
 * It is stored for that anonymous id only when none is stored yet (trust on first use),
 * and only from a batch holding an accepted event of that id, so a key is tied to an
 * id that writes. The SDK sends it with every batch; after the first it costs one
 * `INSERT OR IGNORE` that changes nothing.
 */
import { isBusy } from '../database';
import type { RouteContext } from '../routes/context';
import { isObject, type ValidEvent } from '../validate-event';
import { ERASURE_HASH } from './store';

/** Registers the batch's erasure key, if it carries a well-formed one; never fails the batch. */
export function registerErasureKey(ctx: RouteContext, body: unknown, events: readonly ValidEvent[], now: number): void {
  const key = isObject(body) ? body.erasureKey : undefined;
  if (!isObject(key) || typeof key.hash !== 'string' || !ERASURE_HASH.test(key.hash)) return;
  const owner = events.find((e) => e.anonymousId !== null && e.anonymousId === key.anonymousId);
  if (!owner) return;
  try {
    ctx.erasure.register(owner.site, owner.anonymousId!, key.hash, now);
  } catch (error) {
    // The events are stored; the SDK sends the key again with its next batch.
    if (!isBusy(error)) ctx.problem(`registering an erasure key failed: ${(error as Error)?.message}`, `registering an erasure key failed: ${(error as Error)?.stack ?? error}`);
  }
}
