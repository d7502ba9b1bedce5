/**
 * The quiz format, as designers write it (JSON, checked by `validateQuiz` and by
 * schema/quiz.schema.json) and as the runner reads it. docs/quiz.md describes it
 * for people; this file is the authority.
 */
import type { Condition } from '../../decide/condition';
import type { Json, JsonObject } from '../../core/types';

/**
 * A visible string: one string for every language, or a map from locale to string
 * (`{ "en": "Next", "uk": "Далі" }`), chosen by `localize` with fallback.
 */
export type QuizText = string | Record<string, string>;

/** The kinds of question; see {@link QuizQuestion} for the fields each one reads. */
export type QuestionType = 'single' | 'multiple' | 'scale' | 'image' | 'text' | 'number' | 'email';

/** An image shown in an `image` question's option: `src` must be a web URL (see `safeUrl`). */
export interface QuizImage {
  /** `http:`, `https:` or relative. */
  src: string;
  /** What the image shows, for people who cannot see it; required, `""` only for decoration. */
  alt: QuizText;
}

/** One answer a choice question offers. */
export interface QuizOption {
  /** Unique within its question; what `answers.<question id>` holds in conditions. */
  value: string;
  /** What the visitor reads. */
  label: QuizText;
  /** Required in `image` questions, ignored elsewhere. */
  image?: QuizImage;
  /** Points this choice adds to named dimensions (`{ "trail": 2, "budget": -1 }`). */
  scores?: Record<string, number>;
  /** Tags this choice gives the visitor; outcome conditions read them as `tags`. */
  tags?: string[];
  /** Product ids this choice votes for in the recommendation. */
  products?: string[];
}

/** Where to go after a question: the first rule whose `when` holds (or that has none) wins. */
export interface QuizNextRule {
  /** Over `{ answers, scores, tags }` so far; none means always. */
  when?: Condition;
  /** A later question's id, or `"end"` to finish. */
  goto: string;
}

/**
 * One question. `single`, `multiple` and `image` read `options`; `multiple` also
 * `min`/`max` (how many may be ticked, by default 1 to all; with `min: 0`, no tick is an answer); `scale` is a rating from
 * `min` to `max` (default 1 to 5) with optional end labels; `number` reads `min`/`max`
 * as its range; `text` reads `max` as its length (default 500); `email` needs
 * `consent`, the label of the checkbox without which no address is kept.
 */
export interface QuizQuestion {
  /** Unique within the quiz; rules, conditions and events name it. */
  id: string;
  /** What kind of answer it takes. */
  type: QuestionType;
  /** The question as the visitor reads it. */
  title: QuizText;
  /** A hint under the title. */
  help?: QuizText;
  /** Whether it may be left empty (default `false`). */
  optional?: boolean;
  /** Choices of `single`, `multiple` and `image`. */
  options?: QuizOption[];
  /** Lower bound: ticks (`multiple`), rating (`scale`), value (`number`). */
  min?: number;
  /** Upper bound: ticks (`multiple`), rating (`scale`), value (`number`), length (`text`). */
  max?: number;
  /** Words beside the lowest rating of a `scale`. */
  minLabel?: QuizText;
  /** Words beside the highest rating of a `scale`. */
  maxLabel?: QuizText;
  /** A `scale` or `number` answer adds its value to this score dimension. */
  score?: string;
  /** Label of the consent checkbox of an `email` question (required there). */
  consent?: QuizText;
  /** The trait an `email` answer is stored under (default `"email"`). */
  trait?: string;
  /** Shown only when this holds over `{ answers, scores, tags }`; otherwise skipped. */
  visibleIf?: Condition;
  /** Branching, in order; none (or no match) goes to the next question in the list. */
  next?: QuizNextRule[];
}

/** A link on the result. */
export interface QuizCta {
  /** The link's text. */
  label: QuizText;
  /** `http:`, `https:`, `mailto:`, `tel:` or relative. */
  href: string;
}

/**
 * A result the visitor can get. The first outcome whose `when` holds wins; one
 * without `when` is the fallback and must exist (the last is the natural place).
 */
export interface QuizOutcome {
  /** Unique within the quiz; `Quiz Completed` names it. */
  id: string;
  /** Over `{ answers, scores, tags }`, e.g. `{ "scores.trail": { "$gte": 3 } }`. */
  when?: Condition;
  /** The result's heading. */
  title: QuizText;
  /** A paragraph under the heading. */
  text?: QuizText;
  /** A link under the text. */
  cta?: QuizCta;
  /** Products this outcome recommends, in order; answers' votes are added. */
  products?: string[];
  /** Tags added to the answers' tags. */
  tags?: string[];
  /** Traits for the host to set on the profile (e.g. `{ "quizOutcome": "trail" }`), so segments can target them. */
  traits?: JsonObject;
}

/** Interface words; each has an English default. `progress` may use `{n}` and `{total}`. */
export interface QuizUi {
  /** The submit button (default "Next"). */
  next?: QuizText;
  /** The back button (default "Back"). */
  back?: QuizText;
  /** Announced on each question (default "Question {n} of {total}"). */
  progress?: QuizText;
  /** Replaces the runner's English messages for any wrong answer. */
  error?: QuizText;
}

/** A quiz, as written. */
export interface Quiz {
  /** The schema's address, for editors. */
  $schema?: string;
  /** Names the quiz in events and in saved progress. */
  id: string;
  /** Bump it when questions change, so saved progress of the old version is not resumed. */
  version?: number;
  /** The quiz's title, for the host page to show if it wishes. */
  title?: QuizText;
  /** A note for people; ignored. */
  description?: string;
  /** At least one; without a rule, a question leads to the next in this list. */
  questions: QuizQuestion[];
  /** At least one, and one without `when`, the fallback. */
  outcomes: QuizOutcome[];
  /** Interface words. */
  ui?: QuizUi;
}

declare const checked: unique symbol;

/** A quiz `validateQuiz` found no error in; only these can run. */
export type ValidQuiz = Quiz & { readonly [checked]: true };

/** One problem `validateQuiz` found, with the JSON path where it is. */
export interface QuizProblem {
  /** Like `$.questions[2].options[1].value`. */
  path: string;
  /** What is wrong, briefly: `unknown question "colour"`, `unsafe URL scheme`. */
  message: string;
  /** Errors stop the quiz from running; warnings do not. */
  severity: 'error' | 'warning';
}

/** What `validateQuiz` returns: the quiz only if there is no error. */
export interface QuizValidation {
  /** A copy of the quiz, or `null` if there is any error. */
  quiz: ValidQuiz | null;
  /** Every problem, errors and warnings. */
  problems: QuizProblem[];
}

/**
 * An answer as given to `answer()`: an option value (`single`, `image`), a list of
 * them (`multiple`), a number (`scale`, `number`), a string (`text`), or
 * `{ email, consent }` (`email`). `null`, `""` and `[]` clear an optional question.
 */
export type QuizAnswer = string | number | string[] | { email: string; consent: boolean } | null;

/** Why `answer()` or `next()` refused: the question, the field (`value` or `consent`) and what is wrong. */
export interface QuizAnswerError {
  /** The question's id, as given. */
  question: string;
  /** `consent` for a missing consent tick, `value` for anything else. */
  field: 'value' | 'consent';
  /** For people, in English (a quiz's `ui.error` replaces it on screen). */
  message: string;
}

/** Progress as plain JSON, for the host to save and to pass back as `resume`. */
export interface QuizProgress {
  /** The quiz id and version it belongs to; progress of another is ignored. */
  quiz: string;
  /** The quiz's `version` (0 when it has none). */
  version: number;
  /** Answers by question id (an `email` answer is the address). */
  answers: Record<string, Json>;
  /** The questions visited, in order; the last is the current one unless `done`. */
  path: string[];
  /** Whether the quiz is finished. */
  done: boolean;
}

/** Where the visitor is: 0-based index of the current question, an estimate of the total, and how many are answered. */
export interface QuizPosition {
  /** 0-based; equals `total` once finished. */
  index: number;
  /** Questions on the path plus those after the current one still visible (branches may change it). */
  total: number;
  /** Questions on the path with an answer. */
  answered: number;
}

/** What a finished quiz comes to. */
export interface QuizResult {
  /** The first outcome whose `when` holds, else the fallback. */
  outcome: QuizOutcome;
  /** Answers on the visitor's path; an `email` answer appears as `true`, its address only in `personal`. */
  answers: Record<string, Json>;
  /** Score dimensions summed over the chosen options and scored answers. */
  scores: Record<string, number>;
  /** The answers' tags, then the outcome's, without repeats. */
  tags: string[];
  /** Product ids, most votes first (see docs/quiz.md). */
  products: string[];
  /** The outcome's traits, for the profile. */
  traits: JsonObject;
  /**
   * Personal data the visitor consented to give (trait name to value, e.g. the email
   * address): the host stores it as a trait and never sends it before consent.
   */
  personal: Record<string, string>;
}

/** Options of `createQuizRunner`. */
export interface QuizRunnerOptions {
  /** Progress saved from `state()`; ignored if it belongs to another quiz id or version. */
  resume?: QuizProgress;
  /** The visitor's locale, e.g. `uk-UA`; see `localize`. */
  locale?: string;
}

/** The quiz's state machine; it never throws. */
export interface QuizRunner {
  /** The quiz it runs. */
  readonly quiz: ValidQuiz;
  /** The locale asked for (`""` when none): `text()` chooses by it. */
  readonly locale: string;
  /** The current question, or `null` once finished. */
  current(): QuizQuestion | null;
  /** Records an answer; returns why not instead of throwing. */
  answer(questionId: string, value: QuizAnswer): QuizAnswerError | null;
  /** Moves on from the current question; refuses a required question without an answer. */
  next(): QuizAnswerError | null;
  /** Goes back one question (from the result, to the last question). */
  back(): void;
  /** Where the visitor is. */
  progress(): QuizPosition;
  /** A JSON copy of the progress. */
  state(): QuizProgress;
  /** The result once finished, else `null`. */
  result(): QuizResult | null;
  /** A visible string in the runner's locale. */
  text(text: QuizText | undefined): string;
}

/** The names of the events the renderer emits (see DESIGN.md, standard event names). */
export type QuizEventName = 'Quiz Started' | 'Quiz Question Answered' | 'Quiz Completed' | 'Quiz Abandoned';

/** What the host gives `renderQuiz`. */
export interface QuizHooks {
  /** Hears `Quiz Started`, `Quiz Question Answered`, `Quiz Completed` and `Quiz Abandoned`. */
  onEvent?(name: QuizEventName, properties: JsonObject): void;
  /** Called after each step with progress to save. */
  onProgress?(state: QuizProgress): void;
  /** Called once when the result shows (store `traits` and `personal` here). */
  onResult?(result: QuizResult): void;
  /** Draws product cards into `container`; without it the ids are listed. */
  renderProducts?(container: Element, ids: string[]): void;
  /** Overrides the runner's locale and the page's language. */
  locale?: string;
}

/** What `renderQuiz` returns. */
export interface QuizHandle {
  /** Removes the quiz from the page; no event follows. */
  destroy(): void;
  /** Emits `Quiz Abandoned` once, unless the quiz is finished; the host decides when. */
  abandon(): void;
}
