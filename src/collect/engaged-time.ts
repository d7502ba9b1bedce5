/** Inactivity after which time stops counting as engaged, in ms. */
export const IDLE_AFTER_MS = 30_000;

// Pointer events cover mouse, pen and touch alike.
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll'];

/**
 * Measures engaged time on the current page: time while the page is visible and
 * the visitor was active in the last 30 s. No timers: time is added up when
 * activity happens and when `flush` is called (on hiding and on a new page).
 * `onEngaged(ms)` receives each increment of at least one second.
 */
export function captureEngagedTime(onEngaged: (ms: number) => void) {
  const now = Date.now;
  let engagedMs = 0;
  let lastActive: number | undefined = document.visibilityState === 'visible' ? now() : undefined;

  const add = (t: number) => {
    if (lastActive !== undefined) engagedMs += Math.min(t - lastActive, IDLE_AFTER_MS);
  };
  const onActivity = () => {
    if (document.visibilityState !== 'visible') return;
    const t = now();
    add(t);
    lastActive = t;
  };
  /** Reports the engaged time since the last flush, if a second or more. */
  const flush = () => {
    add(now());
    if (lastActive !== undefined) lastActive = now();
    if (engagedMs >= 1000) {
      const ms = engagedMs;
      engagedMs = 0;
      onEngaged(ms);
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') {
      lastActive = now();
    } else {
      flush();
      lastActive = undefined;
    }
  };
  ACTIVITY.forEach((type) => addEventListener(type, onActivity, { passive: true, capture: true }));
  document.addEventListener('visibilitychange', onVisibility);
  return {
    flush,
    stop() {
      ACTIVITY.forEach((type) => removeEventListener(type, onActivity, { capture: true }));
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
