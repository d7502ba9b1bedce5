/**
 * The page's lifecycle, as one listener each for `pagehide` and `pageshow`: leave
 * handlers run in a fixed order of phases, whatever order the code that added them
 * ran in. What records at leave (engaged time, an abandoned quiz) runs first, then
 * what stores (the state writer starts its write), then what sends (the sender's
 * beacon of what is unsent), so each phase sees what the one before it produced.
 */

/** The phases of leaving, in the order they run: {@link RECORD}, {@link STORE}, {@link SEND}. */
export type LeavePhase = 0 | 1 | 2;
/** Records its last events: engaged time, quiz abandonment. */
export const RECORD: LeavePhase = 0;
/** Starts writing what was recorded. */
export const STORE: LeavePhase = 1;
/** Beacons what is not yet sent. */
export const SEND: LeavePhase = 2;

/** The page lifecycle an instance shares between its parts. */
export interface Lifecycle {
  /** Runs `fn` at `pagehide`, in its phase; returns a function that removes it. */
  onLeave(phase: LeavePhase, fn: () => void): () => void;
  /** True from `pagehide` until a `pageshow` (back from the back/forward cache): no next task will come. */
  left(): boolean;
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Creates the lifecycle; `guard` wraps each handler so that one that throws is
 * reported and the later ones still run.
 */
export function createLifecycle(guard: (fn: () => void) => () => void = (fn) => fn): Lifecycle {
  const phases: (() => void)[][] = [[], [], []];
  let gone = false;
  const hide = () => {
    gone = true;
    phases.forEach((list) => list.slice().forEach((fn) => guard(fn)()));
  };
  const show = () => (gone = false);
  addEventListener('pagehide', hide);
  addEventListener('pageshow', show);
  return {
    onLeave(phase, fn) {
      phases[phase].push(fn);
      return () => {
        const list = phases[phase];
        const at = list.indexOf(fn);
        if (at >= 0) list.splice(at, 1);
      };
    },
    left: () => gone,
    stop() {
      removeEventListener('pagehide', hide);
      removeEventListener('pageshow', show);
    },
  };
}
