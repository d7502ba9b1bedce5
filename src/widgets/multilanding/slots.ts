/**
 * Finds the placements' elements on the page, has each decided once per view, puts
 * the variant in, and reports an impression when the slot is actually seen.
 *
 * No flicker, and never a blank page:
 * - While the document is still being parsed (the script tag in `<head>`), a
 *   MutationObserver sees each slot as the parser inserts it. It is decided as soon
 *   as its markup is complete and stored data is loaded; until then it is hidden with
 *   `visibility: hidden` (no layout shift), for at most {@link STORAGE_WAIT_MS}, after which it is
 *   decided with what is known in memory.
 * - Loaded later (`async`), slots are decided at once. Slots marked `data-attune-hide`
 *   are hidden by the site's own CSS until Attune marks them `data-attune-done`, a
 *   CSS animation reveals them after 300 ms whatever happens, and a script that comes
 *   later than that leaves the default in place rather than swapping it in view.
 */
import type { ValidPlacement, VariantContent } from '../../decide/config-types';
import type { Decision } from '../../decide/engine';
import { applyContent } from './apply';

/** How long a slot may stay hidden while Attune waits for stored data, in milliseconds. */
export const HIDE_MS = 300;

/**
 * How long a slot parsed before stored data is loaded may wait for it, hidden, in
 * milliseconds. IndexedDB answers in a few milliseconds; this is the bound for a slow
 * device, past which a returning visitor gets a decision made without their profile.
 */
export const STORAGE_WAIT_MS = 1000;

/** What the slots need from the instance. */
export interface SlotHost {
  /** The placements of the current config. */
  placements(): readonly ValidPlacement[];
  decide(id: string): Decision;
  /** Records the impression of the placement's current decision (once per view). */
  viewed(id: string): void;
  /**
   * Calls `seen` once `el` is first on screen (src/widgets/visible.ts, which the script
   * tag loads with its second stage); returns a function that cancels it.
   */
  watch(el: Element, seen: () => void): () => void;
  /** Resolves once stored data (and a cached config) is loaded, or nothing may be stored. */
  ready: Promise<unknown>;
  /** True while the config itself is still being read: every `data-attune-slot` is then a candidate. */
  configPending(): boolean;
  /** Shows quiz and recommendation content, which the slots do not render themselves. */
  mount?(slot: Element, content: VariantContent, placement: string): void;
  fail(code: string, path: string, problem: unknown): void;
}

/**
 * Starts managing the page's slots and returns `rescan` (call it on each new view:
 * every placement is decided again) and `stop`.
 *
 * @example const slots = mountSlots(host); onRouteChange(slots.rescan);
 */
export function mountSlots(host: SlotHost) {
  const doc = document;
  let ready = false;
  let stopped = false;
  // Slot element → the placement it was decided for in this view.
  let done = new WeakMap<Element, string>();
  const hidden = new Map<Element, [string, ReturnType<typeof setTimeout>]>();
  // Impressions still waiting for their slot to be seen, cancelled on stop.
  const unseen = new Map<Element, () => void>();
  const badSelectors = new Set<string>();
  // When each slot was first seen in this view. The site's CSS reveals a data-attune-hide slot
  // HIDE_MS after it is parsed; a slot already there when Attune starts counts from 0 (the
  // start of navigation), the earliest it can have been parsed.
  let seenAt = new WeakMap<Element, number>();
  const tooLate = (el: Element) => el.hasAttribute('data-attune-hide') && performance.now() - seenAt.get(el)! > HIDE_MS;

  const find = (p: ValidPlacement) => {
    try {
      return doc.querySelector(p.slot != null ? `[data-attune-slot="${CSS.escape(p.slot)}"]` : p.selector!);
    } catch (error) {
      // Once: the page is scanned again on every change of the DOM.
      if (!badSelectors.has(p.id)) host.fail('placement-not-found', `placements.${p.id}`, error);
      badSelectors.add(p.id);
      return null;
    }
  };

  // The parser has moved past an element once anything follows it or an ancestor.
  const complete = (el: Element) => {
    if (doc.readyState != 'loading') return true;
    for (let n: Node | null = el; n && n != doc; n = n.parentNode) if (n.nextSibling) return true;
    return false;
  };

  const reveal = (el: Element) => {
    const entry = hidden.get(el);
    if (!entry) return;
    clearTimeout(entry[1]);
    hidden.delete(el);
    (el as HTMLElement).style.visibility = entry[0];
  };

  const show = (el: Element, p: ValidPlacement) => {
    done.set(el, p.id);
    try {
      // Past the CSS reveal the default is on screen: it stays, rather than being swapped in view.
      if (!tooLate(el)) {
        const decision = host.decide(p.id);
        const variant = p.variants.find((v) => v.id === decision.variant);
        const content = variant?.content;
        if (content && ('quiz' in content || 'recommend' in content)) host.mount?.(el, content, p.id);
        else if (!applyContent(el, content)) host.fail('template-missing', `placements.${p.id}`, `No <template data-attune-variant> for variant "${decision.variant}"`);
        if (decision.variant != null) {
          unseen.set(el, host.watch(el, () => host.viewed(p.id)));
        }
      }
    } finally {
      el.setAttribute('data-attune-done', '');
      reveal(el);
    }
  };

  // Entry points run from observers and timers: a problem is reported, never thrown into the page.
  const safe =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        host.fail('internal', 'slots', error);
      }
    };

  // Waited long enough: decide with what is known (or, with no config yet, show the default).
  const expire = safe((el: Element) => {
    const p = host.placements().find((p) => find(p) === el);
    p && done.get(el) !== p.id ? show(el, p) : reveal(el);
  });

  const hide = (el: Element) => {
    if (hidden.has(el)) return;
    const style = (el as HTMLElement).style;
    hidden.set(el, [style.visibility, setTimeout(() => expire(el), STORAGE_WAIT_MS)]);
    style.visibility = 'hidden';
  };

  const scan = safe((initial?: boolean) => {
    if (stopped) return;
    for (const p of host.placements()) {
      const el = find(p);
      if (!el || done.get(el) === p.id) continue;
      if (!seenAt.has(el)) seenAt.set(el, initial && doc.readyState != 'loading' ? 0 : performance.now());
      if (tooLate(el) || (ready && complete(el))) show(el, p);
      else if (doc.readyState == 'loading') hide(el);
    }
    if (doc.readyState == 'loading' && host.configPending()) doc.querySelectorAll('[data-attune-slot]').forEach(hide);
  });

  const observer = new MutationObserver(() => scan());
  observer.observe(doc.documentElement, { childList: true, subtree: true });
  host.ready.then(
    () => {
      ready = true;
      scan();
    },
    () => {},
  );
  scan(true);

  return {
    /** A new view: every placement is decided and shown again, and seen again. */
    rescan() {
      done = new WeakMap();
      seenAt = new WeakMap();
      scan();
    },
    stop() {
      stopped = true;
      observer.disconnect();
      unseen.forEach((cancel) => cancel());
      hidden.forEach((_, el) => reveal(el));
    },
  };
}
