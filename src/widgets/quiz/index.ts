/**
 * The quiz widget, loaded only on pages that have a quiz: by the script tag as
 * `attune.quiz.min.js`, by bundlers as a separate chunk.
 */
export { mountQuiz, mountQuizzes, type QuizHost } from './mount';
export { validateQuiz } from './validate';
export { createQuizRunner } from './runner';
export { renderQuiz } from './render';
export { localize } from './text';
export type * from './types';
