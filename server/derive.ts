/**
 * The product interactions an accepted event adds, for co-occurrence. Read from Segment's
 * e-commerce property names (snake_case `product_id`, `order_id`, `products`).
 */
import type { Interaction } from '../src/recommend/cooccurrence';
import { cleanId as productId } from './aggregate-read';
import type { ValidEvent } from './validate-event';

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
