// The HTML pages the quiz bench serves to Chromium: one for the bundle of src/widgets/quiz/, one for
// the script tag (dist/attune.min.js) with the quiz inline, as a shop would embed it.
import { QUIZ_ID } from './fixture.mjs';

export const BUNDLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quiz bench</title>
<script src="/bench-quiz.js"></script>
</head><body><main><h1>Find your outdoor kit</h1></main></body></html>`;

/** The script tag's page: the quiz inline in its element; the first legend's arrival is noted once. */
export const tagPage = (quiz) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quiz bench (script tag)</title>
<script>
  window.__benchStart = performance.now();
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-attune-quiz] legend')) (window.__benchLegendAt = performance.now()), observer.disconnect();
  }).observe(document.documentElement, { childList: true, subtree: true });
</script>
<script src="/attune.min.js" data-site="bench-quiz" data-no-capture="all"></script>
</head><body><main><h1>Find your outdoor kit</h1>
<div data-attune-quiz="${QUIZ_ID}"><script type="application/json">${JSON.stringify(quiz).replace(/</g, '\\u003c')}</script></div>
</main></body></html>`;
