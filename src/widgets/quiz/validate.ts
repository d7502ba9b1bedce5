/**
 * Checks a quiz as written. Designers write quizzes as JSON, so every problem is
 * reported at once with its JSON path, and a quiz with any error does not run at
 * all: half a quiz would lead visitors to a wrong outcome with nobody noticing.
 */
import { evalCondition, isObject, seg } from '../../decide/condition';
import { checkCondition, type RegexProblem } from '../../decide/condition-check';
import { safeUrl, type UrlAttribute } from '../../decide/url';
import type { QuizProblem, QuizValidation, ValidQuiz } from './types';

type Any = any;
type Check = (v: Any, p: string) => unknown;

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isStr = (v: unknown): v is string => typeof v == 'string' && /\S/.test(v);
const isNum = (v: unknown): v is number => typeof v == 'number' && isFinite(v);
const isInt = (v: unknown) => isNum(v) && v % 1 == 0;
const arr = (v: unknown): Any[] => (Array.isArray(v) ? v : []);
const TYPES = 'single multiple scale image text number email'.split(' ');

/**
 * Checks `json` against the quiz format and returns the quiz (a copy) if it has no
 * error, with every problem found. Never throws. Beyond types and required fields
 * it checks: unique question ids, option values (per question) and outcome ids;
 * that `next` rules name questions; that branching has no cycle and reaches every
 * question; safe URL schemes; known condition operators; a fallback outcome; consent
 * text on email questions; `min`/`max` that make sense.
 *
 * Outcomes no answers can reach are warnings, found by an approximate analysis: each
 * top-level clause of `when` (and of `$and`, and all branches of an `$or`) on
 * `answers.<id>` of a choice or scale question, on `tags`, on an unknown question or
 * score, or on an attribute that does not exist, is tried against every value that
 * attribute could take alone (each option, each single tag, all of them, none). It
 * ignores how clauses constrain each other, and text, number and known score clauses,
 * so it misses some dead outcomes but never flags a live one (short of combinations
 * of three or more ticks that `$all` or `$size` need).
 *
 * `regex` judges each `$regex` pattern in its conditions, as for `validateConfig`: the
 * script tag's small check by default, `fullRegexCheck` in the npm entry's `validateQuiz`.
 *
 * @example const { quiz, problems } = validateQuiz(JSON.parse(text))
 */
export function validateQuiz(json: unknown, regex?: RegexProblem): QuizValidation {
  const problems: QuizProblem[] = [];
  let errors = 0;
  const add = (path: string, message: string, warn?: unknown) => {
    problems.push({ path, message, severity: warn ? 'warning' : 'error' });
    warn || errors++;
  };
  const is = (test: (v: Any) => unknown, message: string): Check => (v, p) => test(v) || add(p, message);
  const str = is(isStr, 'must be a non-empty string');
  const num = is(isNum, 'must be a number');
  const text = is(
    (v) => typeof v == 'string' || (isObject(v) && Object.keys(v).length && Object.values(v).every((x) => typeof x == 'string')),
    'must be a string or a map of locales to strings',
  );
  const list = (check: Check, nonEmpty?: 1): Check => (v, p) =>
    Array.isArray(v) && (v.length || !nonEmpty) ? v.forEach((x, i) => check(x, p + '[' + i + ']')) : add(p, `must be a${nonEmpty ? ' non-empty' : 'n'} array`);
  const strs = list(str);
  const obj = (check: Check): Check => (v, p) => (isObject(v) ? Object.keys(v).forEach((k) => check(v[k], p + seg(k))) : add(p, 'must be an object'));
  const fields = (table: Record<string, Check>, required: string[] = []): Check => (o, p) => {
    if (!isObject(o)) return add(p, 'must be an object');
    for (const k of Object.keys(o)) has(table, k) ? table[k](o[k], p + seg(k)) : add(p + seg(k), 'unknown key', 1);
    for (const k of required) has(o, k) || add(p + seg(k), 'is required');
  };
  const url = (attr: UrlAttribute): Check => (v, p) => (typeof v != 'string' ? add(p, 'must be a string') : safeUrl(v, attr) || add(p, 'unsafe URL scheme'));
  const unique = (seen: Set<unknown>, v: unknown, p: string) => (seen.has(v) ? add(p, 'duplicate ' + JSON.stringify(v)) : seen.add(v));

  // Operators are checked everywhere, not only where an evaluation would reach.
  const cond: Check = (c, p) => checkCondition(c, p, add, undefined, regex);

  const q0: Any = isObject(json) ? json : {};
  const questions: Any[] = arr(q0.questions).map((q) => (isObject(q) ? q : {}));
  const ids = questions.map((q) => q.id);
  const n = questions.length;
  let values: Set<unknown>;

  const option = fields(
    {
      value: (v, p) => str(v, p) && unique(values, v, p),
      label: text,
      image: fields({ src: url('src'), alt: text }, ['src', 'alt']),
      scores: obj(num),
      tags: strs,
      products: strs,
    },
    ['value', 'label'],
  );
  const rule = fields({ when: cond, goto: (v, p) => str(v, p) && (v == 'end' || ids.includes(v) || add(p, 'unknown question ' + JSON.stringify(v))) }, ['goto']);
  const questionFields = fields(
    {
      id: str,
      type: is((v) => TYPES.includes(v), 'must be one of: ' + TYPES.join(', ')),
      title: text,
      help: text,
      optional: is((v) => typeof v == 'boolean', 'must be true or false'),
      options: list(option, 1),
      min: num,
      max: num,
      minLabel: text,
      maxLabel: text,
      score: str,
      consent: text,
      trait: str,
      visibleIf: cond,
      next: list(rule),
    },
    ['id', 'type', 'title'],
  );
  const seenIds = new Set<unknown>();
  const question: Check = (q, p) => {
    values = new Set();
    questionFields(q, p);
    if (!isObject(q)) return;
    const { type: t } = q;
    // A scale's defaults count: `min: 6` alone is a scale from 6 to 5.
    const [min, max] = t == 'scale' ? [q.min ?? 1, q.max ?? 5] : [q.min, q.max];
    const count = arr(q.options).length;
    isStr(q.id) && (q.id == 'end' ? add(p + '.id', '"end" is reserved') : unique(seenIds, q.id, p + '.id'));
    if (/^(single|multiple|image)$/.test(t)) has(q, 'options') || add(p + '.options', 'is required');
    if (t == 'image') arr(q.options).forEach((o, i) => isObject(o) && !has(o, 'image') && add(p + `.options[${i}].image`, 'is required'));
    if (t == 'email' && !has(q, 'consent')) add(p + '.consent', 'is required: an email needs consent');
    if (t == 'multiple' || t == 'scale') {
      const bad = (v: unknown) => isNum(v) && (v % 1 || v < 0);
      bad(min) && add(p + '.min', 'must be a whole number >= 0');
      bad(max) && add(p + '.max', 'must be a whole number >= 0');
    }
    if (isNum(min) && isNum(max) && min > max) add(p + (has(q, 'min') ? '.min' : '.max'), 'must not exceed max');
    else if (t == 'multiple' && count && (max > count || min > count)) add(p + (max > count ? '.max' : '.min'), 'exceeds the number of options');
    else if (t == 'scale' && max - min > 10) add(p + '.max', 'more than 11 ratings');
  };
  const outcomeIds = new Set();
  const outcome = fields(
    {
      id: (v, p) => str(v, p) && unique(outcomeIds, v, p),
      when: cond,
      title: text,
      text,
      cta: fields({ label: text, href: url('href') }, ['label', 'href']),
      products: strs,
      tags: strs,
      traits: obj(() => 0),
    },
    ['id', 'title'],
  );

  let copy: ValidQuiz | null = null;
  try {
    fields(
      {
        $schema: str,
        id: str,
        version: is((v) => isInt(v) && v >= 0, 'must be a whole number >= 0'),
        title: text,
        description: is((v) => typeof v == 'string', 'must be a string'),
        questions: list(question, 1),
        outcomes: list(outcome, 1),
        ui: fields({ next: text, back: text, progress: text, error: text }),
      },
      ['id', 'questions', 'outcomes'],
    )(json, '$');

    // Branching as a graph over question indexes (n is the end): a question may be
    // skipped (visibleIf) to the next, follow a rule, or fall through to the next.
    const edges: [number, string?][][] = questions.map((q, i) => {
      const out: [number, string?][] = [];
      let always = false;
      arr(q.next).forEach((r, j) => {
        const k = !isObject(r) || always ? -1 : r.goto == 'end' ? n : ids.indexOf(r.goto);
        if (k >= 0) out.push([k, `$.questions[${i}].next[${j}].goto`]);
        always ||= isObject(r) && !has(r, 'when');
      });
      if (!always || has(q, 'visibleIf')) out.push([i + 1]);
      return out;
    });
    const reach = (i: number, seen = new Set<number>()) => {
      if (i < n && !seen.has(i)) {
        seen.add(i);
        edges[i].forEach(([k]) => reach(k, seen));
      }
      return seen;
    };
    const live = reach(0);
    // A cycle always takes a rule back (only rules go backwards): report those rules.
    edges.forEach((out, i) => out.forEach(([k, p]) => p && k <= i && live.has(i) && reach(k).has(i) && add(p, 'makes a cycle')));
    questions.forEach((_, i) => live.has(i) || add(`$.questions[${i}]`, 'unreachable: no path leads here'));

    const outcomes = arr(q0.outcomes);
    const fallback = outcomes.findIndex((o) => isObject(o) && !has(o, 'when'));
    if (outcomes.length && fallback < 0) add('$.outcomes', 'needs a fallback: an outcome without when');
    if (errors) throw 0;
    copy = JSON.parse(JSON.stringify(json));

    const options = questions.flatMap((q) => arr(q.options));
    const allTags = [...new Set(options.flatMap((o) => arr(o.tags)))];
    const dims = options.flatMap((o) => Object.keys(o.scores || {})).concat(questions.map((q) => q.score));
    const never = (c: Any): boolean =>
      Object.keys(c).some((k) => {
        const v = c[k];
        if (k == '$and') return v.some(never);
        if (k == '$or') return v.length && v.every(never);
        const [root, id, more] = k.split('.');
        const q = questions[ids.indexOf(id)];
        let tries: Any[] | undefined;
        if (k == 'tags') tries = [[], allTags, ...allTags.map((t) => [t])];
        else if (root == 'answers' && id && !more) {
          const all = arr(q?.options).map((o) => o.value);
          tries = !q
            ? [null]
            : q.type == 'multiple'
              ? [null, all, ...all.map((x) => [x])]
              : q.options
                ? [null, ...all]
                : q.type == 'scale'
                  ? [null, ...Array.from({ length: (q.max ?? 5) - (q.min ?? 1) + 1 }, (_, i) => i + (q.min ?? 1))]
                  : undefined;
        } else if (root == 'scores' && id && !more) tries = dims.includes(id) ? undefined : [null];
        else if (!/^(answers|scores|tags|\$.*)$/.test(root)) tries = [null];
        return tries && !tries.some((x) => evalCondition({ [k]: v }, x === null ? {} : root == 'tags' ? { tags: x } : { answers: { [id]: x } }));
      });
    outcomes.forEach((o, i) =>
      i > fallback ? add(`$.outcomes[${i}]`, 'never chosen: follows the fallback', 1) : o.when && never(o.when) && add(`$.outcomes[${i}].when`, 'no answers can reach it', 1),
    );
  } catch (e) {
    // 0 ends the checks that need a sound quiz; anything else is hostile input (a getter that throws, a cycle).
    e === 0 || add('$', 'could not be read');
  }
  return { quiz: errors ? null : copy, problems };
}
