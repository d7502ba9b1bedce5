/**
 * "Seen" for impressions: a callback runs once, when any part of an element is first
 * in the viewport, through one IntersectionObserver for the whole page. Without
 * IntersectionObserver (old browsers, test DOMs) it runs at once.
 */

const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | undefined;

/**
 * Calls `seen` once when `el` first shows in the viewport; a later call for the same
 * element replaces the callback. Returns a function that cancels it.
 *
 * @example whenSeen(slot, () => attune.viewed('hero'))
 */
export function whenSeen(el: Element, seen: () => void): () => void {
  if (typeof IntersectionObserver != 'function') {
    seen();
    return () => {};
  }
  observer ||= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const callback = waiting.get(entry.target);
      if (entry.isIntersecting && callback) {
        cancel(entry.target);
        callback();
      }
    }
  });
  waiting.set(el, seen);
  observer.observe(el);
  return () => waiting.get(el) === seen && cancel(el);
}

function cancel(el: Element) {
  waiting.delete(el);
  observer!.unobserve(el);
}
