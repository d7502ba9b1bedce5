// The functions the quiz bench runs inside the Chromium page, through tab.evaluate. Playwright sends
// them as their source text (Function.prototype.toString), so each must stay self-contained: no
// imports, no names of this module, only what the page itself has (window, document, indexedDB).

/** Runs in the page (self-contained): validates the quiz, keeps it for the batches, and says what its first step shows. */
export function setupInPage(quiz) {
  const { validateQuiz, createQuizRunner, renderQuiz } = window.__benchQuiz;
  const checked = validateQuiz(quiz);
  if (!checked.quiz) return { error: `validateQuiz refused the quiz: ${checked.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}` };
  window.__benchState = { quiz, valid: checked.quiz };
  const probe = document.body.appendChild(document.createElement('div'));
  renderQuiz(probe, createQuizRunner(checked.quiz), {});
  const shown = { legend: probe.querySelector('legend')?.textContent ?? null, inputs: probe.querySelectorAll('input').length };
  probe.remove();
  return { shown };
}

/**
 * Runs in the page: `warmup` untimed, then `runs` timed calls, one by one, in ms. 'validate':
 * validateQuiz(quiz); 'render': the first step into a fresh element appended to the body, then
 * (`layout`) with the style and layout it causes, forced by reading offsetHeight; removed after.
 */
export function batchInPage({ kind, warmup, runs }) {
  const { validateQuiz, createQuizRunner, renderQuiz } = window.__benchQuiz;
  const { quiz, valid } = window.__benchState;
  const times = [];
  const layout = [];
  let sink = 0;
  for (let i = -warmup; i < runs; i++) {
    if (kind === 'validate') {
      const t0 = performance.now();
      sink += validateQuiz(quiz).problems.length;
      const t1 = performance.now();
      if (i >= 0) times.push(t1 - t0);
    } else {
      const root = document.body.appendChild(document.createElement('div'));
      const t0 = performance.now();
      renderQuiz(root, createQuizRunner(valid), {});
      const t1 = performance.now();
      sink += root.offsetHeight;
      const t2 = performance.now();
      root.remove();
      if (i >= 0) times.push(t1 - t0), layout.push(t2 - t0);
    }
  }
  return { times, layout, sink };
}

/** Runs in the page of the script tag: waits for the tag to mount the inline quiz, then notes what it needs later. */
export async function tagSetupInPage(quiz) {
  const A = window.Attune;
  if (!A) return { error: 'window.Attune is not defined' };
  const reported = [];
  A.on('error', (e) => reported.push(`${e.code} at ${e.path}: ${e.message}`));
  await A.ready;
  // The tag mounts [data-attune-quiz="bench"] by itself, loading the add-on: wait for its legend.
  const deadline = performance.now() + 10_000;
  while (!document.querySelector('[data-attune-quiz] legend') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const inline = document.querySelector('[data-attune-quiz] legend')?.textContent ?? null;
  if (!inline || !window.AttuneQuiz) return { error: `the tag did not mount the inline quiz within 10 s (add-on loaded: ${!!window.AttuneQuiz}; SDK errors: ${reported.join('; ') || 'none'})` };
  window.__benchState = { quiz, reported, eventsBefore: A.profile().events, missing: 0 };
  const addon = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/attune.quiz.min.js'));
  return { inline, started: window.__benchStart, legendAt: window.__benchLegendAt, addon: addon ? { duration: addon.duration } : null };
}

/**
 * Runs in the page of the script tag: `warmup` untimed, then `runs` timed `await Attune.mountQuiz(el, quiz)`
 * on fresh elements, in ms. Kind 'idle': each after `await Attune.flush()` (untimed), so storage is idle;
 * kind 'back-to-back': each right after the last and an event tracked just before (untimed), whose write
 * then runs while the mount waits for its lookup. A mount records nothing itself: the quiz starts at a touch.
 */
export async function tagBatchInPage({ kind, warmup, runs }) {
  const state = window.__benchState;
  const times = [];
  for (let i = -warmup; i < runs; i++) {
    if (kind === 'idle') await window.Attune.flush();
    else window.Attune.track('Bench Before Mount');
    const el = document.body.appendChild(document.createElement('div'));
    const t0 = performance.now();
    await window.Attune.mountQuiz(el, state.quiz);
    const t1 = performance.now();
    if (!el.querySelector('legend')) state.missing++;
    el.remove();
    if (i >= 0) times.push(t1 - t0);
  }
  return { times };
}

/** Runs in the page of the script tag: for reference, `runs` reads of a missing key in a database of its own, each its own readonly transaction, in ms. */
export async function idbReadsInPage({ runs }) {
  const request = (r) => new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
  const open = indexedDB.open('bench-quiz-reference', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('kv');
  const db = await request(open);
  const times = [];
  for (let i = -5; i < runs; i++) {
    const t0 = performance.now();
    await request(db.transaction('kv', 'readonly').objectStore('kv').get('quiz:bench'));
    if (i >= 0) times.push(performance.now() - t0);
  }
  db.close();
  return { times };
}

/** Runs in the page of the script tag, last: what the mounts did besides rendering. */
export async function tagFinishInPage() {
  const A = window.Attune;
  const state = window.__benchState;
  await A.flush();
  const exported = await A.export();
  return { missing: state.missing, reported: state.reported, consent: A.consent(), storage: exported?.storage, events: A.profile().events - state.eventsBefore };
}
