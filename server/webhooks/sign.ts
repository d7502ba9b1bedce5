/**
 * Webhook signatures, the way Stripe signs its events: HMAC-SHA256 with the endpoint's
 * secret over `<timestamp>.<body>`, sent as `Attune-Signature: t=<unix seconds>,v1=<hex>`.
 * The timestamp is signed too, so a receiver that refuses old timestamps cannot be fed
 * a captured delivery again later. server/README.md shows how to verify one.
 */
import { createHmac } from 'node:crypto';

/** The signature header's name. */
export const SIGNATURE_HEADER = 'Attune-Signature';
/** The idempotency header's name: the same value on every retry of one delivery. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The hex HMAC-SHA256 of `<timestamp>.<body>` with `secret`. */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The `Attune-Signature` value for `body` sent at `nowMs`. */
export function signatureHeader(secret: string, nowMs: number, body: string): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${signature(secret, t, body)}`;
}
