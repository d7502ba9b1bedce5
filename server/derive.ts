/**
 * What an accepted event adds to the aggregates: a variant's impression or
 * conversion, and product interactions for co-occurrence. Read from Segment's
 * e-commerce property names (snake_case `product_id`, `order_id`, `products`).
 */
import { MAX_ID_LENGTH } from '../src/core/limits';
import type { Interaction } from '../src/recommend/cooccurrence';
import type { ValidEvent } from './validate-event';

/** One increment of a variant's counters. */
export interface VariantCount {
  placement: string;
  variant: string;
  /** "" when the event names no segment (the whole audience). */
  segment: string;
  impressions: 0 | 1;
  conversions: 0 | 1;
}

/** The counter an event bumps, if it is "Variant Viewed" or "Variant Converted" (validated upstream). */
export function variantCount(e: ValidEvent): VariantCount | null {
  const viewed = e.event === 'Variant Viewed';
  if (!viewed && e.event !== 'Variant Converted') return null;
  const { placement, variant, segment } = e.properties as { placement: string; variant: string; segment?: string | null };
  return { placement, variant, segment: segment ?? '', impressions: viewed ? 1 : 0, conversions: viewed ? 0 : 1 };
}

// Product ids arrive as strings or numbers depending on the shop; anything else (or an
// empty id) is not a product reference and is skipped rather than rejected, because the
// standard e-commerce events are the site owner's calls, not Attune's own.
function productId(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The product interactions in an event: a view for "Product Viewed", a purchase per
 * product of "Order Completed" (grouped by `order_id`, else by the event's messageId so
 * one event is still one basket). Other events give none.
 */
export function interactionsOf(e: ValidEvent): Interaction[] {
  const visitor = e.anonymousId ?? e.userId;
  if (visitor === null) return [];
  if (e.event === 'Product Viewed') {
    const id = productId(e.properties.product_id);
    return id === null ? [] : [{ kind: 'view', productId: id, visitor, time: e.time }];
  }
  if (e.event === 'Order Completed' && Array.isArray(e.properties.products)) {
    const order = productId(e.properties.order_id) ?? `message:${e.messageId}`;
    const found: Interaction[] = [];
    for (const product of e.properties.products) {
      const id = typeof product === 'object' && product !== null ? productId((product as Record<string, unknown>).product_id) : null;
      if (id !== null) found.push({ kind: 'buy', productId: id, visitor, time: e.time, order });
    }
    return found;
  }
  return [];
}
