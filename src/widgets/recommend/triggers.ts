/**
 * Runs the trigger detectors (src/recommend/triggers.ts) for the page: records the
 * signals that are due ("Cart Abandoned", "Back In Stock", "New Arrival") and keeps
 * what was signalled, so each is recorded once. Loaded beside the recommendation
 * widget, on pages with a catalog; it is not part of the widget itself.
 */
import type { Product } from '../../recommend/catalog';
import { detectTriggers, type TriggerMemory, type TriggerOptions } from '../../recommend/triggers';
import type { ProfileState } from '../../profile/profile';

/** What the trigger detectors need from the instance. */
export interface TriggerHost {
  state(): ProfileState;
  track(event: string, properties: object): void;
  /** The detectors' memory, stored on the device. */
  load(): Promise<TriggerMemory | undefined>;
  save(memory: TriggerMemory): void;
  /** When a cart counts as abandoned, how long a product is new, … (defaults in `TriggerOptions`). */
  options?: TriggerOptions;
}

/**
 * Detects and records the signals due for this visitor against `products`.
 *
 * @example await runTriggers(host, productsOf(catalog, host))
 */
export async function runTriggers(host: TriggerHost, products: readonly Product[]): Promise<void> {
  const { events, memory } = detectTriggers(host.state(), products, Date.now(), host.options, await host.load());
  events.forEach((e) => host.track(e.event, e.properties));
  host.save(memory);
}
