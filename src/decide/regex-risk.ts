/**
 * The script tag's own guard against `$regex` patterns that backtrack catastrophically,
 * and how much of a value a pattern tests. Small on purpose: the tag carries it.
 */

/**
 * How many characters of a value `$regex` and `$regexi` test: the first 1,000. A
 * pattern {@link regexRisk} lets through may still take time that grows with the
 * square or cube of the value's length (`.*b.*c`); on 1,000 characters that stays
 * within a fraction of a second, while a crafted link could carry far more.
 */
export const REGEX_INPUT_LIMIT = 1000;

/**
 * Why the script tag will not run `source` as a `$regex`, or `undefined` when it will.
 * A crafted value (a link's `?q=aaaa…b`) makes a pattern such as `(a+)+$` backtrack for
 * seconds to hours, freezing the page, and the tag cannot carry a full ReDoS checker, so
 * this is a small conservative one. It refuses:
 * - a back-reference (`\1`, `\k<name>`);
 * - a repeated group (`(…)*`, `(…)+`, `(…){n}`, and a literal `(…){` with them): the exponential cases (`(a+)+$`,
 *   `(a|aa)*$`, `(.*a){12}`) all repeat a group, and telling them from a harmless
 *   `(ab)+` needs the full analysis;
 * - over two unbounded repeats (`*`, `+`, `{n,}`, `{n,m}`). With no repeated group
 *   only single characters repeat, and each repeat that overlaps the next multiplies
 *   the work by the value's length: two cost ~0.2 s on {@link REGEX_INPUT_LIMIT}
 *   characters at worst, three 40 s (`.*.*.*=`).
 * Refusing a rare safe pattern costs a segment; running a bad one costs the page.
 * `fullRegexCheck` (src/validate.ts) adds redos-detector to this check at the door.
 */
export function regexRisk(source: string): string | undefined {
  // Escapes and character classes repeat nothing, so each becomes `_` before the others
  // are looked for. A back-reference is looked for in the source itself: `\\1` (a
  // backslash, then 1) is refused too, which is conservative and keeps this short.
  const s = source.replace(/\\[^]|\[(\\[^]|[^\]])*]/g, '_');
  const why = /\\[1-9k]/.test(source)
    ? 'a back-reference'
    : /\)[*+{]/.test(s)
      ? 'a repeated group'
      : s.split(/[*+]|\{\d+,/).length > 3 && 'over two unbounded repeats';
  // Worded for both the validators and the report at evaluation.
  return why ? 'unsafe regular expression (' + why + ')' : undefined;
}
