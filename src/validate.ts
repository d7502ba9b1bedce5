/**
 * The validators at the door: `validateConfig` and `validateQuiz` as the npm entry
 * exports them, and the full `$regex` check that `attune check` and the collector's
 * config loading are to use. Only they import this module; the script tag validates
 * with its own small check (`regexRisk`), which is what it runs.
 */
import { regexRisk } from './decide/condition';
import type { RegexProblem } from './decide/condition-check';
import { validateConfig as checkConfig } from './decide/config';
import type { ConfigValidation } from './decide/config-types';
import { redosProblem } from './decide/redos';
import type { QuizValidation } from './widgets/quiz/types';
import { validateQuiz as checkQuiz } from './widgets/quiz/validate';

/**
 * Why a pattern must not run as a `$regex`, or `undefined`, checked in full. What the
 * script tag refuses ({@link regexRisk}) is refused here too, so a config that passes at
 * the door runs the same in the tag; then redos-detector refuses a pattern that can match
 * the same text in many ways, whose work grows with the length of the value. Where
 * redos-detector cannot tell (a long list of alternatives, syntax it cannot read), the
 * tag's verdict stands: with no repeated group and at most two unbounded repeats, the
 * tag's length bound keeps the worst case to a fraction of a second.
 *
 * @example fullRegexCheck('.*b.*c', '$regex') // 'unsafe regular expression (parts of it …)'
 */
export const fullRegexCheck: RegexProblem = (source, op) => regexRisk(source) || redosProblem(source, op);

/**
 * Checks a site config and returns the parts that may run, with every problem and its
 * JSON path (see docs/config.md). Each `$regex` is checked with {@link fullRegexCheck},
 * more thoroughly than the script tag can afford to.
 *
 * @example const { config, problems } = validateConfig(JSON.parse(text))
 */
export const validateConfig = (config: unknown): ConfigValidation => checkConfig(config, fullRegexCheck);

/**
 * Checks a quiz (docs/quiz.md) and returns it only if it has no error, with every problem
 * and its JSON path; each `$regex` in its conditions is checked with {@link fullRegexCheck}.
 *
 * @example const { quiz, problems } = validateQuiz(JSON.parse(text))
 */
export const validateQuiz = (quiz: unknown): QuizValidation => checkQuiz(quiz, fullRegexCheck);
