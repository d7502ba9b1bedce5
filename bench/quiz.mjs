// Issue #6's benchmark: the time to validate a 20-question quiz and to render its first step.
//
// The quiz is written here in the format of docs/quiz.md (src/widgets/quiz/types.ts): 20 questions
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

// Calls are timed one by one, in batches with a full garbage collection between them (see
// collectGarbage in browser.mjs), after `warmup` untimed calls: enough for the JIT to settle (with
// 30 warm-up mounts, the add-on's mounts were still twice as slow as after 100 more).
const VALIDATE = { warmup: 300, batches: 10, batch: 300 };
const RENDER = { warmup: 300, batches: 20, batch: 50 };
const MOUNT = { warmup: 200, batches: 10, batch: 30 };
const runsOf = ({ batches, batch }) => batches * batch;
const QUIZ_ID = 'bench';

// --- The quiz ----------------------------------------------------------------------------------

const opt = (value, label, { scores, tags, products, image } = {}) => ({
  value,
  label,
  ...(image && { image }),
  ...(scores && { scores }),
  ...(tags && { tags }),
  ...(products && { products }),
});
const img = (name, alt) => ({ src: `/img/quiz/${name}.webp`, alt });

/** A realistic 20-question outdoor-kit finder, as a shop would write it (some text in two languages). */
export function benchQuiz() {
  const questions = [
    {
      id: 'activity',
      type: 'single',
      title: { en: 'What will you mostly do?', uk: 'Чим ви здебільшого займатиметесь?' },
      help: { en: 'Pick the one you do most often.', uk: 'Оберіть те, що робите найчастіше.' },
      options: [
        opt('run', { en: 'Trail running', uk: 'Трейловий біг' }, { scores: { run: 2 }, tags: ['running'], products: ['trail-runner', 'trail-socks'] }),
        opt('hike', { en: 'Hiking', uk: 'Походи' }, { scores: { hike: 2 }, tags: ['hiking'], products: ['hiking-boot', 'day-pack'] }),
        opt('city', { en: 'Walking in town', uk: 'Прогулянки містом' }, { scores: { city: 2 }, tags: ['everyday'], products: ['city-sneaker'] }),
        opt('commute', { en: 'Commuting by bike', uk: 'Поїздки на велосипеді' }, { scores: { city: 1, rain: 1 }, tags: ['commute'], products: ['roll-top'] }),
      ],
      next: [
        { when: { 'answers.activity': 'run' }, goto: 'terrain' },
        { when: { 'answers.activity': 'hike' }, goto: 'trip' },
        { goto: 'weather' },
      ],
    },
    {
      id: 'terrain',
      type: 'single',
      title: 'Where do you run?',
      options: [
        opt('road', 'Roads and pavements', { scores: { city: 1 }, tags: ['road'], products: ['road-runner'] }),
        opt('trail', 'Forest and mountain trails', { scores: { run: 1 }, tags: ['trail'], products: ['trail-runner', 'gaiters'] }),
        opt('mixed', 'A bit of both', { scores: { run: 1, city: 1 }, tags: ['hybrid'], products: ['hybrid-runner'] }),
        opt('track', 'On a track or treadmill', { scores: { city: 1 }, tags: ['indoor'], products: ['road-runner', 'light-tee'] }),
      ],
    },
    {
      id: 'distance',
      type: 'number',
      title: 'How many kilometres do you run in a week?',
      help: 'A rough guess is fine.',
      min: 0,
      max: 300,
      // Long distances skip the kit questions: runners who do that know what they carry.
      next: [{ when: { 'answers.distance': { $gte: 60 } }, goto: 'budget' }, { goto: 'weather' }],
    },
    {
      id: 'trip',
      type: 'single',
      title: { en: 'How long are your trips?', uk: 'Наскільки тривалі ваші походи?' },
      options: [
        opt('day', 'Day hikes', { products: ['day-pack'] }),
        opt('weekend', 'A weekend', { scores: { hike: 1 }, tags: ['overnight'], products: ['day-pack', 'sleeping-bag'] }),
        opt('week', 'A week or so', { scores: { hike: 2 }, tags: ['multi-day'], products: ['hiking-boot', 'trek-pack'] }),
        opt('expedition', 'Longer expeditions', { scores: { hike: 3, cold: 1 }, tags: ['multi-day', 'expedition'], products: ['trek-pack', 'down-puffer'] }),
      ],
    },
    {
      id: 'packWeight',
      type: 'scale',
      title: 'How much does a light pack matter to you?',
      min: 1,
      max: 5,
      minLabel: 'Not at all',
      maxLabel: 'Every gram counts',
      score: 'light',
    },
    {
      id: 'weather',
      type: 'multiple',
      title: { en: 'What weather do you head out in?', uk: 'У яку погоду ви виходите?' },
      help: 'Choose one or two.',
      min: 1,
      max: 2,
      options: [
        opt('rain', 'Rain', { scores: { rain: 2 }, tags: ['waterproof'], products: ['rain-shell', 'roll-top'] }),
        opt('cold', 'Cold', { scores: { cold: 2 }, tags: ['insulated'], products: ['down-puffer', 'merino-beanie'] }),
        opt('heat', 'Heat', { scores: { light: 1 }, tags: ['breathable'], products: ['light-tee', 'sun-cap'] }),
        opt('mild', 'Mild and dry', { tags: ['all-season'], products: ['fleece-midlayer'] }),
      ],
    },
    {
      id: 'carry',
      type: 'image',
      title: 'What do you carry?',
      visibleIf: { 'answers.activity': { $ne: 'run' } },
      options: [
        opt('essentials', 'Just the essentials', { image: img('sling', 'A small sling bag'), scores: { light: 1 }, products: ['sling-bag'] }),
        opt('day-kit', "A day's kit", { image: img('daypack', 'A 22-litre backpack'), scores: { hike: 1 }, products: ['day-pack'] }),
        opt('laptop', 'A laptop', { image: img('rolltop', 'A roll-top bag with a laptop sleeve'), scores: { city: 1 }, tags: ['commute'], products: ['roll-top'] }),
        opt('bottle', 'Water, always', { image: img('bottle', 'A steel bottle'), products: ['steel-bottle'] }),
      ],
    },
    {
      id: 'landscape',
      type: 'image',
      title: 'Which of these looks most like your weekends?',
      options: [
        opt('mountains', 'Mountains', { image: img('mountains', 'A ridge above the clouds'), scores: { hike: 1, cold: 1 }, tags: ['alpine'], products: ['hiking-boot'] }),
        opt('forest', 'Forest', { image: img('forest', 'A path through pine trees'), scores: { run: 1, hike: 1 }, tags: ['forest'], products: ['trail-runner'] }),
        opt('coast', 'Coast', { image: img('coast', 'Cliffs over a grey sea'), scores: { rain: 1 }, tags: ['coast'], products: ['rain-shell'] }),
        opt('streets', 'Streets', { image: img('streets', 'A busy street at dusk'), scores: { city: 1 }, tags: ['urban'], products: ['city-sneaker'] }),
      ],
    },
    {
      id: 'budget',
      type: 'scale',
      title: { en: 'How much do you want to spend?', uk: 'Скільки ви готові витратити?' },
      min: 1,
      max: 5,
      minLabel: 'As little as possible',
      maxLabel: 'Whatever lasts longest',
      score: 'premium',
    },
    {
      id: 'owned',
      type: 'multiple',
      title: 'Which of these do you already own?',
      help: 'We will not suggest them again.',
      min: 0,
      max: 4,
      options: [
        opt('shoes', 'Good outdoor shoes', { scores: { premium: -1 }, tags: ['has-shoes'] }),
        opt('shell', 'A waterproof jacket', { scores: { rain: -1 }, tags: ['has-shell'] }),
        opt('pack', 'A backpack', { scores: { hike: -1 }, tags: ['has-pack'] }),
        opt('layers', 'Warm layers', { scores: { cold: -1 }, tags: ['has-layers'] }),
      ],
    },
    {
      id: 'fit',
      type: 'single',
      title: 'How do shoes usually fit you?',
      options: [
        opt('narrow', 'Narrow', { tags: ['narrow-fit'], products: ['trail-runner'] }),
        opt('regular', 'Regular', { tags: ['regular-fit'] }),
        opt('wide', 'Wide', { tags: ['wide-fit'], products: ['hiking-boot-wide'] }),
        opt('unsure', 'Not sure', { products: ['fit-guide'] }),
      ],
    },
    {
      id: 'shoeSize',
      type: 'number',
      title: 'Your shoe size (EU)',
      optional: true,
      min: 30,
      max: 52,
    },
    {
      id: 'colours',
      type: 'multiple',
      title: 'Colours you like',
      min: 1,
      max: 3,
      options: [
        opt('dark', 'Black and grey', { tags: ['dark'], products: ['rain-shell'] }),
        opt('earth', 'Earth tones', { tags: ['earth'], products: ['fleece-midlayer'] }),
        opt('bright', 'Bright colours', { tags: ['bright'], products: ['light-tee'] }),
        opt('blue', 'Blues', { tags: ['blue'], products: ['down-puffer'] }),
      ],
    },
    {
      id: 'eco',
      type: 'scale',
      title: 'How much do recycled materials matter to you?',
      visibleIf: { 'scores.premium': { $gte: 3 } },
      min: 1,
      max: 5,
      minLabel: 'Not much',
      maxLabel: 'A lot',
      score: 'eco',
    },
    {
      id: 'material',
      type: 'single',
      title: 'Which material do you prefer next to your skin?',
      visibleIf: { $or: [{ 'answers.weather': { $in: ['cold'] } }, { 'scores.eco': { $gte: 4 } }] },
      options: [
        opt('synthetic', 'Synthetic', { scores: { light: 1 }, tags: ['synthetic'], products: ['light-tee'] }),
        opt('merino', 'Merino wool', { scores: { cold: 1, premium: 1 }, tags: ['merino'], products: ['merino-base', 'merino-beanie'] }),
        opt('down', 'Down', { scores: { cold: 2 }, tags: ['down'], products: ['down-puffer'] }),
        opt('recycled', 'Recycled fibres', { scores: { eco: 2 }, tags: ['recycled'], products: ['recycled-fleece'] }),
      ],
    },
    {
      id: 'frequency',
      type: 'single',
      title: 'How often do you go out?',
      options: [
        opt('daily', 'Almost every day', { scores: { premium: 1 }, tags: ['daily'], products: ['spare-laces'] }),
        opt('weekly', 'Every week', { tags: ['weekly'] }),
        opt('monthly', 'Once or twice a month', { tags: ['monthly'] }),
        opt('rarely', 'A few times a year', { scores: { premium: -1 }, tags: ['occasional'], products: ['rental-info'] }),
      ],
    },
    {
      id: 'experience',
      type: 'scale',
      title: 'How experienced are you?',
      min: 1,
      max: 5,
      minLabel: 'Just starting',
      maxLabel: 'Seasoned',
      score: 'expert',
      next: [{ when: { 'scores.expert': { $lte: 2 } }, goto: 'gift' }],
    },
    {
      id: 'priorities',
      type: 'multiple',
      title: 'What matters most in your kit?',
      min: 1,
      max: 2,
      options: [
        opt('durability', 'It lasts for years', { scores: { premium: 1 }, tags: ['durable'], products: ['hiking-boot'] }),
        opt('weight', 'It weighs little', { scores: { light: 2 }, tags: ['ultralight'], products: ['trail-runner'] }),
        opt('comfort', 'It is comfortable from day one', { tags: ['comfort'], products: ['city-sneaker'] }),
        opt('price', 'It is good value', { scores: { premium: -1 }, tags: ['value'], products: ['day-pack'] }),
      ],
    },
    {
      id: 'gift',
      type: 'single',
      title: 'Who is this for?',
      options: [
        opt('me', 'Me', { tags: ['self'] }),
        opt('partner', 'My partner', { tags: ['gift'], products: ['gift-card'] }),
        opt('child', 'A child', { tags: ['gift', 'kids'], products: ['kids-boot'] }),
        opt('friend', 'A friend', { tags: ['gift'], products: ['gift-card', 'steel-bottle'] }),
      ],
    },
    {
      id: 'notes',
      type: 'text',
      title: { en: 'Anything else we should know?', uk: 'Щось іще, що нам варто знати?' },
      help: 'Optional: injuries, allergies, a trip you are planning…',
      optional: true,
      max: 300,
    },
  ];
  const outcomes = [
    {
      id: 'trail-runner',
      when: { 'scores.run': { $gte: 3 } },
      title: 'Built for the trail',
      text: 'Light, grippy shoes and socks that stay dry.',
      cta: { label: 'See the Trail Runner', href: '/p/trail-runner' },
      products: ['trail-runner', 'trail-socks', 'steel-bottle'],
      traits: { quizOutcome: 'trail-runner' },
    },
    {
      id: 'alpinist',
      when: { $and: [{ 'scores.hike': { $gte: 3 } }, { 'answers.trip': { $in: ['week', 'expedition'] } }] },
      title: { en: 'Ready for the hills', uk: 'Готові до гір' },
      text: 'Waterproof boots, a pack for the week and layers for cold nights.',
      cta: { label: 'Shop trekking', href: '/c/trekking' },
      products: ['hiking-boot', 'trek-pack', 'down-puffer'],
      tags: ['hiking'],
      traits: { quizOutcome: 'alpinist' },
    },
    {
      id: 'all-weather',
      when: { $or: [{ 'scores.rain': { $gte: 2 } }, { 'scores.cold': { $gte: 2 } }] },
      title: 'Ready for any weather',
      text: 'A shell for the rain, something warm for the cold, and a bag that keeps it all dry.',
      cta: { label: 'Shop jackets', href: '/c/jackets' },
      products: ['rain-shell', 'down-puffer', 'roll-top'],
      traits: { quizOutcome: 'all-weather' },
    },
    {
      id: 'premium-city',
      when: { 'answers.activity': { $in: ['city', 'commute'] }, 'scores.premium': { $gte: 4 } },
      title: 'Town, done well',
      text: 'Sneakers and a bag built to last, for every day.',
      cta: { label: 'Shop city', href: '/c/city' },
      products: ['city-sneaker', 'roll-top', 'merino-base'],
      traits: { quizOutcome: 'premium-city' },
    },
    {
      id: 'eco',
      when: { tags: { $in: ['recycled'] } },
      title: 'Lighter on the planet',
      text: 'Kit made from recycled fibres, built to be repaired.',
      cta: { label: 'Shop recycled', href: '/c/recycled' },
      products: ['recycled-fleece', 'day-pack'],
      tags: ['eco'],
      traits: { quizOutcome: 'eco' },
    },
    {
      id: 'explorer',
      title: 'A bit of everything',
      text: 'Versatile pieces for whatever you do next.',
      cta: { label: 'Browse the shop', href: '/' },
      products: ['day-pack', 'fleece-midlayer', 'steel-bottle'],
      traits: { quizOutcome: 'explorer' },
    },
  ];
  return {
    $schema: 'https://unpkg.com/attune/schema/quiz.schema.json',
    id: QUIZ_ID,
    version: 3,
    title: { en: 'Find your outdoor kit', uk: 'Підберіть спорядження' },
    description: 'Benchmark quiz: 20 questions of six kinds, branching, visibleIf, 5 outcomes and a fallback.',
    questions,
    outcomes,
    ui: { next: { en: 'Next', uk: 'Далі' }, back: { en: 'Back', uk: 'Назад' }, progress: { en: 'Question {n} of {total}', uk: 'Питання {n} з {total}' } },
  };
}

/**
 * Visitors who walk the quiz: for each outcome, how they answer (by question id; otherwise the
 * first option, the lowest rating, a number in range, no text).
 */
const PERSONAS = [
  ['trail-runner', { activity: 'run', terrain: 'trail', distance: 25 }],
  ['alpinist', { activity: 'hike', trip: 'expedition', weather: ['mild'] }],
  ['all-weather', { activity: 'commute', weather: ['rain', 'cold'] }],
  ['premium-city', { activity: 'city', weather: ['mild'], budget: 5 }],
  ['eco', { activity: 'hike', trip: 'day', weather: ['heat'], budget: 4, eco: 5, material: 'recycled' }],
  ['explorer', { activity: 'city', weather: ['mild'], landscape: 'streets', budget: 2 }],
];

/** Walks the quiz as each persona and returns what is wrong (the outcome reached, a refused answer). */
function walkPersonas(lib, valid) {
  const problems = [];
  for (const [expected, answers] of PERSONAS) {
    const runner = lib.createQuizRunner(valid);
    const path = [];
    for (let q = runner.current(), steps = 0; q && steps < 50; q = runner.current(), steps++) {
      path.push(q.id);
      const value =
        answers[q.id] ??
        (q.type === 'multiple' ? [q.options[0].value] : q.options ? q.options[0].value : q.type === 'scale' ? q.min ?? 1 : q.type === 'number' ? q.min ?? 0 : null);
      const error = runner.answer(q.id, value) || runner.next();
      if (error) problems.push(`${expected}: ${q.id} refused ${JSON.stringify(value)}: ${error.message}`);
      if (error) break;
    }
    const result = runner.result();
    if (!result) problems.push(`${expected}: no result after ${path.join(' > ')}`);
    else if (result.outcome.id !== expected) problems.push(`${expected}: reached ${result.outcome.id} (path ${path.join(' > ')}; scores ${JSON.stringify(result.scores)})`);
  }
  return problems;
}

/** The quiz's counts, for the printout. */
function describeQuiz(quiz) {
  const kinds = {};
  for (const q of quiz.questions) kinds[q.type] = (kinds[q.type] ?? 0) + 1;
  const rules = quiz.questions.reduce((n, q) => n + (q.next?.length ?? 0), 0);
  const visibleIf = quiz.questions.filter((q) => q.visibleIf).length;
  return (
    `${quiz.questions.length} questions (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), ${rules} next rules, ${visibleIf} visibleIf, ` +
    `${quiz.outcomes.filter((o) => o.when).length} outcomes with conditions + a fallback; ${JSON.stringify(quiz).length.toLocaleString('en-US')} B of JSON`
  );
}

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

/** Runs in the page (self-contained): validates the quiz, keeps it for the batches, and says what its first step shows. */
function setupInPage(quiz) {
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
function batchInPage({ kind, warmup, runs }) {
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
async function tagSetupInPage(quiz) {
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
 * kind 'back-to-back': each right after the last, whose Quiz Started event is then still being written.
 */
async function tagBatchInPage({ kind, warmup, runs }) {
  const state = window.__benchState;
  const times = [];
  for (let i = -warmup; i < runs; i++) {
    if (kind === 'idle') await window.Attune.flush();
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
async function idbReadsInPage({ runs }) {
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
async function tagFinishInPage() {
  const A = window.Attune;
  const state = window.__benchState;
  await A.flush();
  const exported = await A.export();
  return { missing: state.missing, reported: state.reported, consent: A.consent(), storage: exported?.storage, events: A.profile().events - state.eventsBefore };
}

// --- Pages -------------------------------------------------------------------------------------

const BUNDLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quiz bench</title>
<script src="/bench-quiz.js"></script>
</head><body><main><h1>Find your outdoor kit</h1></main></body></html>`;

/** The script tag's page: the quiz inline in its element; the first legend's arrival is noted once. */
const tagPage = (quiz) => `<!doctype html>
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
        rows.push(['Chromium', '  the same, back to back (the last mount\'s event still being written)', us(busy.median), us(busy.p95), int(runsOf(MOUNT))]);
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
            ` saved-progress lookup (storage: ${m.storage}, consent ${m.consent}), the first render and its Quiz Started event (${m.events} events recorded).\n` +
            ` The first row awaits Attune.flush() before each call (untimed), so storage is idle: at the median, roughly ${us(rest)} beyond validation\n` +
            ` and the render (the rows above), of which a bare IndexedDB read on that page explains ${us(idb.median)}: the rest (the instance's\n` +
            ` promise hops, recording Quiz Started, the add-on's own copy of the code in the tag's busier page) is not broken down here.\n` +
            ` Back to back, each lookup waits for the write of the previous mount's event (the recorder writes the events and the profile\n` +
            ` a task later), as it would behind any event recorded just before.\n` +
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
