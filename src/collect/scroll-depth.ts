/** The scroll-depth milestones recorded once per page, in percent. */
export const SCROLL_MILESTONES = [25, 50, 75, 100];

/**
 * Reports each scroll-depth milestone the first time the visitor reaches it on
 * the current page. Checks at most once per animation frame; pages that do not
 * scroll report nothing. Returns `{ reset, stop }`: call `reset` on a new page.
 */
export function captureScrollDepth(onMilestone: (percent: number) => void): { reset(): void; stop(): void } {
  let reached = 0;
  let pending = false;
  const measure = () => {
    pending = false;
    const height = document.documentElement.scrollHeight;
    if (height <= innerHeight) return;
    // Depth is the share of the page seen so far; a pixel or two short of the bottom is the bottom.
    const percent = ((scrollY + innerHeight + 2) / height) * 100;
    for (const milestone of SCROLL_MILESTONES) {
      if (milestone > reached && percent >= milestone) {
        reached = milestone;
        onMilestone(milestone);
      }
    }
  };
  const onScroll = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(measure);
    }
  };
  addEventListener('scroll', onScroll, { passive: true });
  return {
    reset: () => (reached = 0),
    stop: () => removeEventListener('scroll', onScroll),
  };
}
