/** Inactivity after which time stops counting as engaged, in ms. */
export const IDLE_AFTER_MS = 30_000;

// Pointer events cover mouse, pen and touch alike.
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll'];

/**
 * Measures engaged time on the current page: time while the page is visible,
 * up to 30 s after the visitor's last activity. No timers: time is added up when
 * activity happens and when `flush` is called (on hiding and on a new page).
 * `onEngaged(ms)` receives each increment of at least one second.
 */
export function captureEngagedTime(onEngaged: (ms: number) => void) {
  const now = Date.now;
  let engagedMs = 0;
  let lastActivity: number | undefined;
  let countedUntil = 0;

  const restart = () => (lastActivity = countedUntil = now());
  const add = () => {
    if (lastActivity === undefined) return;
    const end = Math.min(now(), lastActivity + IDLE_AFTER_MS);
    if (end > countedUntil) {
      engagedMs += end - countedUntil;
      countedUntil = end;
    }
  };
  const onActivity = () => {
    if (document.visibilityState !== 'visible') return;
    add();
    restart();
  };
  /** Reports the engaged time since the last report, if a second or more. */
  const flush = () => {
    add();
    if (engagedMs >= 1000) {
      onEngaged(engagedMs);
      engagedMs = 0;
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') return void restart();
    flush();
    lastActivity = undefined;
  };
  if (document.visibilityState === 'visible') restart();
  // Capture phase, so activity that the page stops from propagating still counts.
  ACTIVITY.forEach((type) => addEventListener(type, onActivity, true));
  document.addEventListener('visibilitychange', onVisibility);
  return {
    flush,
    stop() {
      ACTIVITY.forEach((type) => removeEventListener(type, onActivity, true));
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
