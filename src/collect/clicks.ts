import type { JsonObject } from '../core/types';

const PROP_PREFIX = 'data-attune-prop-';

/** Reads `data-attune-prop-*` attributes as properties: `data-attune-prop-product-id="7"` → `{ product_id: 7 }`. */
export function propertiesOf(element: Element): JsonObject {
  const properties: JsonObject = {};
  for (const { name, value } of Array.from(element.attributes)) {
    if (!name.startsWith(PROP_PREFIX)) continue;
    const key = name.slice(PROP_PREFIX.length).replace(/-/g, '_');
    properties[key] = /^-?(0|[1-9]\d*)(\.\d+)?$/.test(value) ? +value : value;
  }
  return properties;
}

/**
 * Records clicks on elements carrying `data-attune-track="Event Name"` (or inside
 * one), with their `data-attune-prop-*` properties. One listener on the document,
 * in the capture phase, so handlers that stop propagation do not hide clicks.
 */
export function captureClicks(onTrack: (event: string, properties: JsonObject) => void): () => void {
  const listener = (e: Event) => {
    const target = e.target instanceof Element ? e.target.closest('[data-attune-track]') : null;
    const name = target?.getAttribute('data-attune-track');
    if (target && name) onTrack(name, propertiesOf(target));
  };
  document.addEventListener('click', listener, true);
  return () => document.removeEventListener('click', listener, true);
}
