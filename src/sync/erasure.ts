import type { AttuneEvent } from '../core/types';
import { newId } from '../core/id';

/**
 * The device's erasure secret for one anonymous id, created with it and kept beside it
 * (the `erasure` record of the state store), and the secret's SHA-256 (hex). Batches
 * carry only the hash; the collector keeps the first it sees for the id, and erases the
 * id only for a request presenting the secret itself. So whoever merely learns an
 * anonymous id (from a URL, a log, a shared export) cannot erase that visitor.
 */
export interface ErasureRecord {
  id: string;
  secret: string;
  hash: string;
}

/** What a batch carries so the collector can verify a later `forget` (`erasureKey` in the body). */
export interface ErasureKey {
  anonymousId: string;
  hash: string;
}

/** The outbox entry type of a forget request: sent to `/v1/forget`, alone, never to a `transport`. */
export const FORGET = 'forget';

/** True for a forget request waiting in the outbox. */
export const isForget = (entry: AttuneEvent): boolean => (entry.type as string) == FORGET;

/**
 * The record for `anonymousId`: `stored` when it is that id's, else a new secret (126
 * random bits) with its hash. Undefined where the page cannot hash (no `crypto.subtle`
 * outside secure contexts): the collector then holds no key, and only an admin erasure
 * reaches that visitor's rows.
 */
export async function erasureRecord(stored: ErasureRecord | undefined, anonymousId: string): Promise<ErasureRecord | undefined> {
  if (stored?.id === anonymousId) return stored;
  try {
    const secret = newId();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)));
    return { id: anonymousId, secret, hash: Array.from(digest, (b) => (b < 16 ? '0' : '') + b.toString(16)).join('') };
  } catch {
    return undefined;
  }
}

/**
 * The forget request for a record, as an outbox entry: it waits there like an event,
 * so the sender's retries, backoff and unload beacon carry it until the collector
 * answers, and it leaves the outbox once answered.
 */
export const forgetRequest = (record: ErasureRecord, userId: string | undefined): AttuneEvent =>
  ({ type: FORGET, messageId: newId(), timestamp: new Date().toISOString(), anonymousId: record.id, userId, secret: record.secret }) as unknown as AttuneEvent;
