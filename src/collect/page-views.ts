/**
 * Watches for page changes: the first view, then every real change of route in a
 * single-page app (pushState, replaceState, popstate, hash routes). `onPage` runs
 * once per change, never twice: calls in one task are merged, and a URL equal to
 * the last one recorded is not a change. The first view is reported a microtask
 * later, so what the caller does in the same task (the script tag replaying a
 * queued `identify`) comes before it, as in Segment's snippet. Returns a function
 * that stops watching.
 */
export function capturePageViews(onPage: () => void): () => void {
  // A route is the path and query, plus the hash when it is used as a route (#/… or #!…).
  const route = () => location.pathname + location.search + (/^#[!/]/.test(location.hash) ? location.hash : '');
  let last: string | undefined;
  let scheduled = false;
  let stopped = false;
  const check = () => {
    scheduled = false;
    if (stopped) return;
    const now = route();
    if (now === last) return;
    last = now;
    onPage();
  };
  // Deferred, so the app has set its new title before the page event reads it.
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setTimeout(check, 0);
    }
  };
  const { pushState, replaceState } = history;
  const wrap = (original: History['pushState']) =>
    function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      schedule();
      return result;
    };
  history.pushState = wrap(pushState);
  history.replaceState = wrap(replaceState);
  addEventListener('popstate', schedule);
  addEventListener('hashchange', schedule);
  queueMicrotask(check);
  return () => {
    stopped = true;
    history.pushState = pushState;
    history.replaceState = replaceState;
    removeEventListener('popstate', schedule);
    removeEventListener('hashchange', schedule);
  };
}
