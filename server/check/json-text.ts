/**
 * Reading a file's text as JSON for `attune check` and the collector's config, with
 * the parser's complaint turned into a problem at `$` that says where, as a line and
 * column, when the parser gives a position (Node 20 gives one for most mistakes;
 * newer engines also say the line and column themselves).
 */
import type { CheckProblem } from './types';

/** The parsed document, or the one problem that stopped the parser. */
export type ParsedJson = { ok: true; value: unknown } | { ok: false; problem: CheckProblem };

/** The 1-based line and column of the character at `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/**
 * Parses `text` (a leading byte-order mark is skipped, as editors write one) and never
 * throws: a syntax error is a problem at `$` with `line` and `column` when the parser
 * named a position.
 *
 * @example parseJson('{"a": }') // { ok: false, problem: { path: '$', message: 'not JSON: …', … } }
 */
export function parseJson(text: string): ParsedJson {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const reason = (error as Error).message;
    const problem: CheckProblem = { path: '$', message: `not JSON: ${reason}`, severity: 'error' };
    const at = /\bat position (\d+)/.exec(reason);
    if (at) Object.assign(problem, lineColumn(body, Number(at[1])));
    else if (/end of JSON input/.test(reason)) Object.assign(problem, lineColumn(body, body.length));
    return { ok: false, problem };
  }
}
