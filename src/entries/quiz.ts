/**
 * `attune/quiz`: the quiz widget's parts, for an app that runs or renders a quiz itself
 * (`createAttune().mountQuiz()` needs none of this: it loads the widget when a page has a
 * quiz). An entry of its own, apart from `attune`, so that no module of the widget is a
 * static import of the main entry: esbuild's code splitting puts a module that the main
 * entry reaches (even through an unused re-export) and a dynamic chunk uses into a chunk the
 * main entry loads at start.
 */
export { createQuizRunner } from '../widgets/quiz/runner';
export { renderQuiz } from '../widgets/quiz/render';
export { validateQuiz } from '../validate';
export type * from '../widgets/quiz/types';
