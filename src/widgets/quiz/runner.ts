/**
 * The quiz as a state machine, with no DOM: where the visitor is, what they
 * answered, where branching leads, and what it all comes to. Renderers and tests
 * drive it the same way, and its state is plain JSON so a visit can resume.
 */
import { evalCondition, type Condition } from '../../decide/condition';
import type { Json } from '../../core/types';
import { localize } from './text';
import type { QuizAnswer, QuizAnswerError, QuizQuestion, QuizRunner, QuizRunnerOptions, ValidQuiz } from './types';

type Any = any;
type Attributes = { answers: Record<string, Json>; scores: Record<string, number>; tags: string[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const dict = (): Any => Object.create(null);
const isEmpty = (v: unknown) => v == null || v === '' || (Array.isArray(v) && !v.length);

/**
 * Starts a quiz, or resumes it from `resume` (progress of another quiz id or
 * version is ignored, and saved answers that no longer fit are dropped). It never
 * throws: wrong answers and moves come back as a {@link QuizAnswerError}.
 *
 * Branching: after a question, its first `next` rule that holds decides (a question
 * id or `"end"`), else the next question in the list; a question whose `visibleIf`
 * does not hold is skipped to the one after it. A question already on the path ends
 * the quiz instead of looping. Conditions read `{ answers, scores, tags }` of the
 * questions on the path only, so answers left behind by going back do not count.
 *
 * @example const runner = createQuizRunner(quiz, { locale: 'uk-UA', resume: saved })
 */
export function createQuizRunner(quiz: ValidQuiz, options: QuizRunnerOptions = {}): QuizRunner {
  const qs = quiz.questions;
  const locale = options.locale || '';
  const version = quiz.version || 0;
  const at = (id: unknown) => qs.findIndex((q) => q.id === id);
  let answers: Record<string, Json> = dict();
  let path: string[] = [];
  let done = false;

  // The answer to keep (none: clear it), or why not.
  const check = (q: QuizQuestion, v: Any): QuizAnswerError | Json[] => {
    const { type: t, min, max } = q;
    const fail = (message: string, field: 'value' | 'consent' = 'value') => ({ question: q.id, field, message });
    const values = (q.options || []).map((o) => o.value);
    let e = t == 'email' && v && typeof v == 'object' ? v.email : v;
    if (typeof e == 'string') e = e.trim();
    // `min: 0` lets a multiple choice be answered with no tick, which is an answer, unlike skipping it.
    if (isEmpty(e)) return q.optional ? [] : t == 'multiple' && min === 0 && Array.isArray(e) ? [[]] : fail('Required');
    if (t == 'multiple') {
      const lo = min ?? 1;
      const hi = max ?? values.length;
      if (!Array.isArray(e) || !e.every((x) => values.includes(x)) || new Set(e).size < e.length) return fail('Unknown option');
      return e.length < lo || e.length > hi ? fail(`Choose ${lo} to ${hi}`) : [values.filter((x) => e.includes(x))];
    }
    if (t == 'single' || t == 'image') return values.includes(e) ? [e] : fail('Unknown option');
    if (t == 'scale' || t == 'number') {
      const lo = min ?? (t == 'scale' ? 1 : -1 / 0);
      const hi = max ?? (t == 'scale' ? 5 : 1 / 0);
      return typeof e == 'number' && e >= lo && e <= hi && (t == 'number' || e % 1 == 0) ? [e] : fail(`Must be a number from ${lo} to ${hi}`);
    }
    if (typeof e != 'string') return fail('Must be text');
    if (t == 'text') return e.length > (max ?? 500) ? fail('Too long') : [e];
    if (!EMAIL.test(e)) return fail('Invalid email address');
    return v.consent === true ? [{ email: e, consent: true }] : fail('Consent required', 'consent');
  };

  // What conditions read, and the products' votes, from the answers on the path.
  const tally = (): [Attributes, Map<string, number>] => {
    const a = dict();
    const scores = dict();
    const tags = new Set<string>();
    const votes = new Map<string, number>();
    const add = (d: string, n: number) => (scores[d] = (scores[d] || 0) + n);
    for (const id of path) {
      const q = qs[at(id)];
      const v = answers[id];
      if (!q || v === undefined) continue;
      a[id] = q.type == 'email' || v;
      if (q.score && typeof v == 'number') add(q.score, v);
      for (const o of q.options || [])
        if ([v].flat().includes(o.value)) {
          for (const [d, x] of Object.entries(o.scores || {})) add(d, x);
          o.tags?.forEach((t) => tags.add(t));
          o.products?.forEach((p) => votes.set(p, (votes.get(p) || 0) + 1));
        }
    }
    return [{ answers: a, scores, tags: [...tags] }, votes];
  };
  const holds = (c: Condition | undefined, attributes: Attributes) => !c || evalCondition(c, attributes);

  // The index of the question after question i, following its rules, then the first visible one from there.
  const after = (i: number, attributes: Attributes) => {
    const rule = (qs[i].next || []).find((r) => holds(r.when, attributes));
    let j = rule ? (rule.goto == 'end' ? qs.length : at(rule.goto)) : i + 1;
    while (qs[j] && !holds(qs[j].visibleIf, attributes)) j++;
    return j;
  };
  // Moves to question i or the first visible one after it; past the end, or back onto the path, is the end.
  const go = (i: number) => {
    const [attributes] = tally();
    while (qs[i] && !holds(qs[i].visibleIf, attributes)) i++;
    qs[i] && !path.includes(qs[i].id) ? path.push(qs[i].id) : (done = true);
  };
  const current = () => (done ? null : qs[at(path[path.length - 1])] || null);

  const saved = options.resume;
  if (saved && saved.quiz === quiz.id && saved.version === version) {
    path = [...new Set(Array.isArray(saved.path) ? saved.path : [])].filter((id) => at(id) >= 0);
    for (const id of Object.keys(Object(saved.answers))) {
      const r = at(id) < 0 ? [] : check(qs[at(id)], saved.answers[id]);
      if (Array.isArray(r) && r.length) answers[id] = r[0];
    }
    done = saved.done === true;
  }
  if (!path.length && !done) go(0);

  return {
    quiz,
    locale,
    current,
    answer(id, value: QuizAnswer) {
      const q = qs[at(id)];
      if (!q) return { question: String(id), field: 'value', message: 'Unknown question' };
      const r = check(q, value);
      if (!Array.isArray(r)) return r;
      r.length ? (answers[q.id] = r[0]) : delete answers[q.id];
      return null;
    },
    next() {
      const q = current();
      if (!q) return null;
      if (!(q.id in answers) && !q.optional) return { question: q.id, field: 'value', message: 'Required' };
      const [attributes] = tally();
      const rule = (q.next || []).find((r) => holds(r.when, attributes));
      go(rule ? (rule.goto == 'end' ? qs.length : at(rule.goto)) : at(q.id) + 1);
      return null;
    },
    back() {
      if (done) done = !path.length;
      else if (path.length > 1) path.pop();
    },
    progress() {
      const [attributes] = tally();
      // The questions still ahead, as the answers so far route the visitor: the rules of
      // unanswered questions take their fallback, so the total changes only when an
      // answer takes a branch.
      let rest = 0;
      const seen = new Set(path);
      for (let i = at(path[path.length - 1]); !done && qs[(i = after(i, attributes))] && !seen.has(qs[i].id); rest++) seen.add(qs[i].id);
      return { index: path.length - (done ? 0 : 1), total: path.length + rest, answered: path.filter((id) => id in answers).length };
    },
    state: () => JSON.parse(JSON.stringify({ quiz: quiz.id, version, answers, path, done })),
    result() {
      if (!done) return null;
      const [attributes, votes] = tally();
      const outcome = quiz.outcomes.find((o) => holds(o.when, attributes)) || quiz.outcomes[quiz.outcomes.length - 1];
      const listed = outcome.products || [];
      // One vote per chosen option naming a product, one more if the outcome lists it;
      // the sort is stable, so ties keep the outcome's order, then the order of votes.
      listed.forEach((p) => votes.set(p, (votes.get(p) || 0) + 1));
      const ranked = [...new Set([...listed, ...votes.keys()])].sort((x, y) => votes.get(y)! - votes.get(x)!);
      const personal: Record<string, string> = {};
      for (const id of path) {
        const q = qs[at(id)];
        const v: Any = answers[id];
        if (q.type == 'email' && v) personal[q.trait || 'email'] = v.email;
      }
      return {
        outcome,
        answers: attributes.answers,
        scores: attributes.scores,
        tags: [...new Set([...attributes.tags, ...(outcome.tags || [])])],
        products: ranked,
        traits: { ...outcome.traits },
        personal,
      };
    },
    text: (t) => localize(t, locale),
  };
}
