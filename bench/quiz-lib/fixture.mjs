// The quiz the benchmark measures: the 20 questions of questions.mjs with 5 outcomes that have
// conditions and a fallback. validateQuiz must accept it with no error (bench/quiz.mjs checks).
import { benchQuestions } from './questions.mjs';

export const QUIZ_ID = 'bench';

/** A realistic 20-question outdoor-kit finder, as a shop would write it (some text in two languages). */
export function benchQuiz() {
  const questions = benchQuestions();
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

/** The quiz's counts, for the printout. */
export function describeQuiz(quiz) {
  const kinds = {};
  for (const q of quiz.questions) kinds[q.type] = (kinds[q.type] ?? 0) + 1;
  const rules = quiz.questions.reduce((n, q) => n + (q.next?.length ?? 0), 0);
  const visibleIf = quiz.questions.filter((q) => q.visibleIf).length;
  return (
    `${quiz.questions.length} questions (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), ${rules} next rules, ${visibleIf} visibleIf, ` +
    `${quiz.outcomes.filter((o) => o.when).length} outcomes with conditions + a fallback; ${JSON.stringify(quiz).length.toLocaleString('en-US')} B of JSON`
  );
}
