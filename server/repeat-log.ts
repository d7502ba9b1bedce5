/**
 * A log that says each thing once. A failing disk fails every request the same way;
 * a stack trace per request filled 6.4 MB in 15 s. Here the first occurrence of a
 * problem is logged in full and later ones are counted, then summarised once per
 * window ("… repeated 1,234 times in the last 60 s").
 */

/** Reports a problem: `key` says which problems are the same one, `message` is logged the first time. */
export interface RepeatLog {
  (key: string, message: string): void;
  /** Logs the summaries of the window so far and starts a new one (also done on a timer). */
  flush(): void;
  /** Flushes and stops the timer. */
  close(): void;
}

/** Options of {@link createRepeatLog}. */
export interface RepeatLogOptions {
  /** How often repeats are summarised, in ms (default 60 s). */
  windowMs?: number;
  /** Distinct problems tracked per window (default 100); beyond them, new ones are counted together. */
  maxKeys?: number;
}

const OTHERS = '\u0000others';

/**
 * Wraps `log`. Memory is bounded by `maxKeys` entries whatever is reported: past it,
 * new problems are logged once as "more distinct problems" and then only counted.
 * A problem quiet for a whole window is forgotten, so its return is logged in full.
 */
export function createRepeatLog(log: (message: string) => void, { windowMs = 60_000, maxKeys = 100 }: RepeatLogOptions = {}): RepeatLog {
  // Problems seen in this window or still repeating from the last, with repeats since last summarised.
  const repeats = new Map<string, number>();
  // First seen since the last summary: quiet for part of a window only, so kept through this one.
  const fresh = new Set<string>();
  const seconds = windowMs >= 1000 ? `${Math.round(windowMs / 1000)} s` : `${windowMs} ms`;
  const report = ((key: string, message: string) => {
    const count = repeats.get(key);
    if (count !== undefined) repeats.set(key, count + 1);
    else if (repeats.size < maxKeys) {
      repeats.set(key, 0);
      fresh.add(key);
      log(message);
    } else {
      const others = repeats.get(OTHERS);
      if (others === undefined) log(`more than ${maxKeys} distinct problems in ${seconds}; further ones are only counted`);
      repeats.set(OTHERS, (others ?? 0) + 1);
    }
  }) as RepeatLog;
  report.flush = () => {
    for (const [key, count] of repeats) {
      if (count === 0) {
        if (!fresh.has(key)) repeats.delete(key);
        continue;
      }
      const what = key === OTHERS ? 'other problems' : key;
      log(`${what}: repeated ${count.toLocaleString('en-US')} time${count === 1 ? '' : 's'} in the last ${seconds}`);
      // Still repeating: its next occurrence is counted, not logged in full again.
      if (key === OTHERS) repeats.delete(key);
      else repeats.set(key, 0);
    }
    fresh.clear();
  };
  const timer = setInterval(report.flush, windowMs);
  // A summary timer must never keep the process alive on its own.
  timer.unref();
  report.close = () => {
    clearInterval(timer);
    report.flush();
  };
  return report;
}
