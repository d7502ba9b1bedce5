// Issue #6's benchmark: the time to validate a 20-question quiz and to render its first step.
//
// The quiz (bench/quiz-lib/) is written in the format of docs/quiz.md (src/widgets/quiz/types.ts): 20 questions
// of every kind but email, choices of 4 options with scores, tags and products, branching rules and
// visibleIf, 5 outcomes with conditions and a fallback. validateQuiz must accept it with no error,
// and walking it as six visitors must reach each outcome, or the bench throws.
//
// - validateQuiz(quiz), in Node and in Chromium;
// - renderQuiz(root, createQuizRunner(valid), {}) into a fresh element of a page, in Chromium: the
//   first step's DOM, then the same with the style and layout it causes (forced by a read);
// - Attune.mountQuiz(element, quiz) through the script tag (dist/attune.min.js), the quiz add-on
//   already loaded: validation, the saved-progress lookup in IndexedDB and the first render.
// src/widgets/quiz/ is bundled on the fly (bench/browser.mjs); the script-tag row needs dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DIST, SRC, heading, int, median, ms, printTable, quantile, us } from './lib.mjs';
import { CHROMIUM, bundleEntry, collectGarbage, describeTimer, hasChromium, importText, reexport, withChromium } from './browser.mjs';
import { QUIZ_ID, benchQuiz, describeQuiz } from './quiz-lib/fixture.mjs';
import { PERSONAS, walkPersonas } from './quiz-lib/personas.mjs';
import { batchInPage, idbReadsInPage, setupInPage, tagBatchInPage, tagFinishInPage, tagSetupInPage } from './quiz-lib/in-page.mjs';
import { BUNDLE_PAGE, tagPage } from './quiz-lib/pages.mjs';

// Scripts that study the same quiz (profiles, traces) import it from the entry point.
export { benchQuiz };

// Calls are timed one by one, in batches with a full garbage collection between them (see
// collectGarbage in browser.mjs), after `warmup` untimed calls: enough for the JIT to settle (with
// 30 warm-up mounts, the add-on's mounts were still twice as slow as after 100 more).
const VALIDATE = { warmup: 300, batches: 10, batch: 300 };
const RENDER = { warmup: 300, batches: 20, batch: 50 };
const MOUNT = { warmup: 200, batches: 10, batch: 30 };
const runsOf = ({ batches, batch }) => batches * batch;

// --- Timing ------------------------------------------------------------------------------------

/** Node: validateQuiz per call, in µs. */
function validateInNode(lib, quiz) {
  for (let i = 0; i < VALIDATE.warmup; i++) lib.validateQuiz(quiz);
  const times = new Float64Array(runsOf(VALIDATE));
  let sink = 0;
  for (let i = 0; i < times.length; i++) {
    const t0 = process.hrtime.bigint();
    sink += lib.validateQuiz(quiz).problems.length;
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return { times: Array.from(times), sink };
}

// --- The run -----------------------------------------------------------------------------------

const stats = (values) => ({ median: median(values), p95: quantile(values, 0.95) });

export async function run() {
  heading('Quiz: validate and render the first step (20 questions)');
  const started = Date.now();
  const quiz = benchQuiz();
  console.log(describeQuiz(quiz));

  const { es, iife, warnings } = await bundleEntry(reexport(['validateQuiz', 'createQuizRunner', 'renderQuiz'], path.join(SRC, 'widgets', 'quiz', 'index.ts')), { name: '__benchQuiz' });
  console.log(`bundled src/widgets/quiz/ in ${((Date.now() - started) / 1000).toFixed(1)} s${warnings.length ? `; warnings: ${warnings.slice(0, 3).join(' | ')}` : ''}`);
  const lib = await importText(es, 'bench-quiz-');

  // Broken, not slow: the quiz must be valid and lead each persona to its outcome.
  const { quiz: valid, problems } = lib.validateQuiz(quiz);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!valid || errors.length) throw new Error(`validateQuiz refuses the bench quiz: ${errors.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const walked = walkPersonas(lib, valid);
  if (walked.length) throw new Error(`the bench quiz does not run as written:\n  ${walked.join('\n  ')}`);
  const warned = problems.filter((p) => p.severity === 'warning');
  console.log(`validateQuiz: no errors, ${warned.length} warnings${warned.length ? ` (${warned.map((p) => `${p.path}: ${p.message}`).join('; ')})` : ''}; ${PERSONAS.length} visitors walked it to each of its ${PERSONAS.length} outcomes`);

  const rows = [['realm', 'what', 'median', 'p95', 'runs']];
  const summary = [];
  const node = stats(validateInNode(lib, quiz).times);
  rows.push(['Node', 'validateQuiz(quiz)', us(node.median), us(node.p95), int(runsOf(VALIDATE))]);
  summary.push({ metric: 'validateQuiz, 20 questions (Node)', value: us(node.median), note: `p95 ${us(node.p95)}` });

  const notes = [];
  if (!hasChromium()) {
    notes.push(`Chromium figures skipped: no browser at ${CHROMIUM}.`);
    summary.push({ metric: 'Chromium figures', value: 'skipped', note: `no ${CHROMIUM}` });
  } else {
    const withTag = ['attune.min.js', 'attune.quiz.min.js'].every((f) => existsSync(path.join(DIST, f)));
    const page = (url) => (url.pathname === '/tag' ? tagPage(quiz) : BUNDLE_PAGE);
    await withChromium({ page, scripts: { '/bench-quiz.js': iife }, dist: true, launch: { locale: 'en-GB' } }, async ({ tab, origin, pageErrors, timer }) => {
      console.log(describeTimer(timer));
      const loaded = await tab.evaluate(() => !!window.__benchQuiz?.renderQuiz);
      if (!loaded) throw new Error(`the quiz bundle did not load in Chromium${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
      // Warm-up, then batches with a full garbage collection before each, outside the timing.
      const batches = async (kind, { warmup, batches, batch }, inPage = batchInPage) => {
        const out = { times: [], layout: [] };
        await tab.evaluate(inPage, { kind, warmup, runs: 0 });
        for (let b = 0; b < batches; b++) {
          await collectGarbage(tab);
          const r = await tab.evaluate(inPage, { kind, warmup: 0, runs: batch });
          out.times.push(...r.times.map((t) => t * 1000));
          out.layout.push(...(r.layout ?? []).map((t) => t * 1000));
        }
        return out;
      };
      const setup = await tab.evaluate(setupInPage, quiz);
      if (setup.error) throw new Error(`Chromium: ${setup.error}`);
      const firstTitle = quiz.questions[0].title.en;
      const firstInputs = quiz.questions[0].options.length;
      if (setup.shown.legend !== firstTitle || setup.shown.inputs !== firstInputs) {
        throw new Error(`Chromium: the first step shows ${JSON.stringify(setup.shown)}, expected the legend "${firstTitle}" and ${firstInputs} inputs`);
      }
      const timerNote = `timer step ${us(timer.step * 1000)}`;
      const v = stats((await batches('validate', VALIDATE)).times);
      const rendered = await batches('render', RENDER);
      const d = stats(rendered.times);
      const l = stats(rendered.layout);
      rows.push(['Chromium', 'validateQuiz(quiz)', us(v.median), us(v.p95), int(runsOf(VALIDATE))]);
      rows.push(['Chromium', 'renderQuiz(root, createQuizRunner(valid), {}): first step, DOM', us(d.median), us(d.p95), int(runsOf(RENDER))]);
      rows.push(['Chromium', '  the same + the style and layout it causes', us(l.median), us(l.p95), int(runsOf(RENDER))]);
      summary.push({ metric: 'validateQuiz, 20 questions (Chromium)', value: us(v.median), note: `p95 ${us(v.p95)}; ${timerNote}` });
      summary.push({ metric: 'first step rendered (Chromium)', value: us(d.median), note: `p95 ${us(d.p95)}; with style and layout ${us(l.median)} (p95 ${us(l.p95)})` });

      if (!withTag) {
        notes.push('script-tag row skipped: dist/attune.min.js or dist/attune.quiz.min.js is missing (npm run build).');
        summary.push({ metric: 'Attune.mountQuiz (Chromium)', value: 'skipped', note: 'no dist/attune.quiz.min.js' });
      } else {
        await tab.goto(`${origin}/tag`, { waitUntil: 'load' });
        const tag = await tab.evaluate(tagSetupInPage, quiz);
        if (tag.error) throw new Error(`Chromium, script tag: ${tag.error}`);
        if (tag.inline !== firstTitle) throw new Error(`Chromium, script tag: the inline quiz shows "${tag.inline}", expected "${firstTitle}"`);
        const t = stats((await batches('idle', MOUNT, tagBatchInPage)).times);
        const busy = stats((await batches('back-to-back', MOUNT, tagBatchInPage)).times);
        const m = await tab.evaluate(tagFinishInPage);
        const calls = 2 * (MOUNT.warmup + runsOf(MOUNT));
        if (m.missing) throw new Error(`Chromium, script tag: ${m.missing} of ${calls} Attune.mountQuiz calls rendered nothing (SDK errors: ${m.reported.slice(0, 3).join('; ') || 'none'})`);
        rows.push(['Chromium', 'await Attune.mountQuiz(el, quiz), script tag, add-on loaded', us(t.median), us(t.p95), int(runsOf(MOUNT))]);
        rows.push(['Chromium', '  the same, back to back, each after an event (its write under way)', us(busy.median), us(busy.p95), int(runsOf(MOUNT))]);
        const idb = stats((await tab.evaluate(idbReadsInPage, { runs: MOUNT.batch })).times.map((x) => x * 1000));
        rows.push(['Chromium', '  for reference: one IndexedDB read on that page (own database)', us(idb.median), us(idb.p95), int(MOUNT.batch)]);
        summary.push({
          metric: 'Attune.mountQuiz, first step (Chromium)',
          value: us(t.median),
          note: `p95 ${us(t.p95)}; script tag: validation + IndexedDB lookup + render; ${us(busy.median)} while a write is pending`,
        });
        // What is neither validation nor rendering (the rows above): mostly the IndexedDB read and the awaits around it.
        const rest = t.median - v.median - d.median;
        notes.push(
          `script-tag rows: dist/attune.min.js with the quiz inline in [data-attune-quiz="${QUIZ_ID}"]; once the tag had mounted it (add-on loaded),\n` +
            ` ${calls} calls (${2 * MOUNT.warmup} untimed) of await Attune.mountQuiz(el, quiz) on fresh elements, each removed after: validation, the\n` +
            ` saved-progress lookup (storage: ${m.storage}, consent ${m.consent}) and the first render; no Quiz Started, which waits for a touch\n` +
            ` (${m.events} events recorded, the back-to-back row's own).\n` +
            ` The first row awaits Attune.flush() before each call (untimed), so storage is idle: at the median, roughly ${us(rest)} beyond validation\n` +
            ` and the render (the rows above), of which a bare IndexedDB read on that page explains ${us(idb.median)}: the rest (the instance's\n` +
            ` promise hops; validation and the render, called once after idle storage, cost more than in the tight loops above) is not\n` +
            ` broken down here. Back to back, each follows an event tracked just before, whose write (the recorder writes the events and\n` +
            ` the profile a task later) runs while the mount waits for its lookup.\n` +
            ` SDK errors: ${m.reported.length}${m.reported.length ? ` (first: ${m.reported[0]})` : ''}.\n` +
            ` Once, for orientation only (one noisy sample, not in the summary): the tag's page showed the inline quiz's first legend ${ms(tag.legendAt - tag.started)}\n` +
            ` after its first script ran${tag.addon ? `, the add-on's fetch (from a local server) taking ${ms(tag.addon.duration)} of that` : ''}.`,
        );
      }
      if (pageErrors.length) notes.push(`page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
    });
  }
  printTable(rows);
  console.log(
    `(calls timed one by one after a warm-up (${VALIDATE.warmup} validations, ${RENDER.warmup} renders); in Chromium in batches (${VALIDATE.batch} validations,\n` +
      ` ${RENDER.batch} renders, ${MOUNT.batch} mounts) with a full garbage collection before each, outside the timing; each render goes into a fresh\n` +
      ` <div> appended to the page's body and removed after; "style and layout" forces them by reading offsetHeight right after the render)`,
  );
  for (const note of notes) console.log(note);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return summary;
}
