/**
 * redos-detector's verdict on a `$regex` pattern, for the full check at the door
 * (`fullRegexCheck` in src/validate.ts). The checker weighs about 41 KB gzip with its
 * parser, so the script tag never loads it. This module imports nothing else of
 * Attune's and is a chunk of its own in the npm build (rollup.config.mjs): the parser
 * redos-detector bundles is not free of side effects, so an app's bundler drops it only
 * with a module it can leave out whole, when the app never imports the validators.
 */
import { isSafePattern } from 'redos-detector';

// Bounds on redos-detector's search (its default takes up to 8 s on `^(a|a)+$`). The bound
// that decides is the step count, which gives the same verdict on any machine: a clock would
// not (`.*b.*c` reaches its score, and the long list of names in the vectors its step bound,
// after about 1.8 s at a load of 12 on this 2-core machine, so a 2 s clock refused the
// list there, and passed `.*b.*c` on a loaded CI run). The clock is only a backstop against
// a search that never ends; should it ever fire, the pattern is refused as too complex.
const OPTIONS = { maxSteps: 5000, timeout: 60_000 };

/**
 * Why redos-detector finds that `source`, the operand of `op` (`$regex` or `$regexi`),
 * can match the same text in many ways, so that its work grows with the length of the
 * value (`.*b.*c`, `^[^@]+@[^@]+\.\w+$`) or its search runs out of time, or `undefined` when it finds no such thing or
 * cannot tell. Never throws.
 *
 * @example redosProblem('.*sale.*', '$regex') // 'unsafe regular expression (parts of it …)'
 */
export function redosProblem(source: string, op: string): string | undefined {
  try {
    // Its parser reads no named groups; a name changes nothing about backtracking.
    const pattern = source.replace(/\(\?<(?![=!])[^>]*>/g, '(');
    const { error } = isSafePattern(pattern, { ...OPTIONS, caseInsensitive: op == '$regexi' });
    if (error == 'timedOut') return 'unsafe regular expression (too complex to check in time: simplify it, e.g. [^/]* rather than .*)';
    if (error == 'hitMaxScore') {
      return 'unsafe regular expression (parts of it can match the same text in many ways, so a long value could take very long: make them exclusive, e.g. [^/]* rather than .*, and drop a leading or trailing .*, which $regex never needs)';
    }
  } catch {
    // Syntax redos-detector cannot read.
  }
  return undefined;
}
