/**
 * The state writer: one write per task, however many events the task recorded, and
 * a write at once while the page is being left, when no next task will come. What a
 * write stores is the caller's (the recorder's `write`); this module only decides when.
 */

/** The writer made by {@link createStateWriter}. */
export interface StateWriter {
  /** Asks for a write: in the next task, or at once after `pagehide`. */
  schedule(): void;
  /**
   * At `pagehide`: a write waiting for the next task starts now. (Resolving its timer
   * instead missed a write queued behind one still under way: its timer did not exist
   * yet, and what it held, and what came after pagehide, was never written.)
   */
  leave(): void;
  /** Resolves once every write asked for so far has finished (never rejects). */
  settled(): Promise<void>;
}

/**
 * Creates a writer around `write`; `left` tells whether the page is going, and
 * `onError` hears a write that failed.
 */
export function createStateWriter(write: () => Promise<unknown>, left: () => boolean, onError: (error: unknown) => void): StateWriter {
  let writing = Promise.resolve();
  let scheduled = false;
  const run = () => {
    scheduled = false;
    return write();
  };
  // Started at once, it runs beside any write still under way, and the browser commits
  // the transactions begun before the page went.
  const atOnce = () => {
    const now = run().then(() => {}, onError);
    writing = writing.then(() => now);
  };
  return {
    schedule() {
      // Recorded while the page goes (web vitals at visibilitychange, which follows pagehide).
      if (left()) return atOnce();
      if (scheduled) return;
      scheduled = true;
      writing = writing
        .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
        .then(run)
        .then(() => {}, onError);
    },
    leave: () => scheduled && atOnce(),
    settled: () => writing,
  };
}
