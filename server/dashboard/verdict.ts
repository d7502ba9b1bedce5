/**
 * Plain-language verdicts beside the numbers: what a marketer may conclude from a
 * placement, a variant, a holdout comparison or a split check, said in words, with
 * the uncertainty kept in the sentence. Pure (no DOM, no network), so the same
 * sentences are unit-tested and drawn by the dashboard.
 */
import { relativeLift } from '../../src/stats';
import type { DataSufficiency, PlacementReport, QuizReport, RatioCheck, RelativeChange, UpliftReport, VariantReport } from '../report-types';
import { roughCount, type Formats } from './format';

/** How a verdict reads: good news, bad news, a warning, or nothing to conclude yet. */
export type Tone = 'positive' | 'negative' | 'warning' | 'unclear';

/** One sentence and its tone (the tone is shown as a word too, never by colour alone). */
export interface Verdict {
  tone: Tone;
  text: string;
}

/** Probability to be best from which a variant is called the winner. */
export const WINNER_PROBABILITY = 0.95;

/** A variant's name as a sentence subject: `eco` → `Eco`. Names are data; only the first letter changes. */
export const subject = (name: string): string => (name ? name[0].toUpperCase() + name.slice(1) : name);

// The report's intervals are all 95 % ones (Report.level).
const LEVEL = 0.95;
const interval = (f: Formats, c: RelativeChange) => `${f.magnitude(LEVEL)}: ${f.change(c.low!)} to ${f.change(c.high!)}`;

/** "Too little data: about 2,000 more visitors needed", or null when there is enough. */
export function sufficiencyVerdict(s: DataSufficiency, f: Formats, about = ''): Verdict | null {
  if (s.enough) return null;
  const what = about ? ` ${about}` : '';
  if (s.visitorsNeeded == null) return { tone: 'unclear', text: `Too little data${what} to say anything yet.` };
  return { tone: 'unclear', text: `Too little data${what}: about ${f.int(roughCount(s.visitorsNeeded))} more visitors needed.` };
}

/**
 * A split check in a marketer's words, or null when the split is as configured.
 * Without this warning, a broken assignment (a cache serving one variant, a bot
 * hitting one page) would make every other figure look trustworthy when it is not.
 */
export function ratioVerdict(check: RatioCheck, f: Formats): Verdict | null {
  if (!check.mismatch) return null;
  const what = check.kind === 'holdout' ? 'The split between personalised visitors and the holdout' : 'The split between variants';
  return {
    tone: 'warning',
    text: `${what} is not what was configured (${f.p(check.pValue)}): visitors are not being assigned as intended, so these results cannot be trusted yet.`,
  };
}

/**
 * One variant against the default: "Eco converts 18 % better than the default
 * (95 %: +4 % to +33 %); 97 % likely to be best". An interval that straddles zero is
 * said to be unclear, whatever the point estimate.
 */
export function variantVerdict(v: VariantReport, defaultName: string | null, f: Formats): Verdict {
  const name = subject(v.variant);
  const best = v.probabilityToBeBest === null ? 'shown by a rule to its own audience, so not in the race for best' : `${f.chance(v.probabilityToBeBest)} likely to be best`;
  if (v.isDefault) return { tone: 'unclear', text: `The default, ${v.variant}, is what the others are compared with; ${best}.` };
  // "the default (default)" says nothing twice.
  const base = defaultName && defaultName.toLowerCase() !== 'default' ? `the default (${defaultName})` : 'the default';
  const lift = v.lift;
  if (!lift || lift.relative == null || lift.low == null || lift.high == null) {
    return { tone: 'unclear', text: `${name} cannot be compared with ${base} yet: it has no conversions to compare with; ${best}.` };
  }
  if (lift.low > 0) {
    return { tone: 'positive', text: `${name} converts ${f.magnitude(lift.relative)} better than ${base} (${interval(f, lift)}); ${best}.` };
  }
  if (lift.high < 0) {
    return { tone: 'negative', text: `${name} converts ${f.magnitude(lift.relative)} worse than ${base} (${interval(f, lift)}); ${best}.` };
  }
  return {
    tone: 'unclear',
    text: `${name} is not clearly better or worse than ${base}: the difference is somewhere from ${f.change(lift.low)} to ${f.change(lift.high)} (${f.magnitude(LEVEL)}); ${best}.`,
  };
}

/**
 * What personalisation adds against the holdout, in one sentence: positive when the
 * whole interval is above zero, negative when below, unclear otherwise.
 * `who` names what is compared ("This placement", "Personalisation across the site").
 */
export function upliftVerdict(u: UpliftReport, f: Formats, who = 'Personalisation'): Verdict {
  const c = u.conversionRate;
  const short = sufficiencyVerdict(u.enoughData, f, 'to compare with the holdout');
  if (c.relative == null || c.low == null || c.high == null) {
    return short ?? { tone: 'unclear', text: `${who}: the holdout has no conversions yet, so there is nothing to compare with.` };
  }
  if (c.low > 0) {
    return { tone: 'positive', text: `${who} works: personalised visitors convert ${f.magnitude(c.relative)} more than the holdout (${interval(f, c)}).` };
  }
  if (c.high < 0) {
    return { tone: 'negative', text: `${who} costs conversions: personalised visitors convert ${f.magnitude(c.relative)} less than the holdout (${interval(f, c)}).` };
  }
  const tail = short ? ` ${short.text}` : '';
  return {
    tone: 'unclear',
    text: `${who} has no clear effect yet: against the holdout it is somewhere from ${f.change(c.low)} to ${f.change(c.high)} (${f.magnitude(LEVEL)}).${tail}`,
  };
}

/**
 * The headline of a placement: split warnings first (they void the rest), then
 * whether there is enough data, then the winner or the lack of one.
 */
export function placementVerdicts(p: PlacementReport, f: Formats): Verdict[] {
  const out: Verdict[] = [];
  for (const check of p.ratioChecks) {
    const v = ratioVerdict(check, f);
    if (v) out.push(v);
  }
  if (p.variants.length === 0) {
    out.push({ tone: 'unclear', text: 'No visitor has seen this placement in this period.' });
    return out;
  }
  const short = sufficiencyVerdict(p.enoughData, f);
  if (short) {
    out.push(short);
    return out;
  }
  const competing = p.variants.filter((v): v is VariantReport & { probabilityToBeBest: number } => v.probabilityToBeBest !== null);
  if (competing.length === 0) return out;
  const leader = competing.reduce((a, b) => (b.probabilityToBeBest > a.probabilityToBeBest ? b : a));
  if (competing.length === 1) {
    out.push({ tone: 'unclear', text: `Only ${subject(leader.variant)} was shown: there is nothing to compare it with.` });
  } else if (leader.probabilityToBeBest >= WINNER_PROBABILITY) {
    out.push({
      tone: leader.isDefault ? 'negative' : 'positive',
      text: leader.isDefault
        ? `The default (${leader.variant}) is the likely winner: ${f.chance(leader.probabilityToBeBest)} likely to be best; no alternative beats it.`
        : `${subject(leader.variant)} is the likely winner: ${f.chance(leader.probabilityToBeBest)} likely to be best.`,
    });
  } else {
    out.push({
      tone: 'unclear',
      text: `No clear winner yet: the leader, ${leader.variant}, is ${f.chance(leader.probabilityToBeBest)} likely to be best (a winner needs ${f.chance(WINNER_PROBABILITY)}).`,
    });
  }
  return out;
}

/**
 * Whether visitors who finish a quiz buy more often than those who start and give
 * up, with the interval, and the caveat that matters: finishing is chosen, not
 * assigned, so keener visitors may simply be the ones who finish.
 */
export function quizVerdict(q: QuizReport, f: Formats): Verdict {
  const done = { visitors: q.completers.visitors, conversions: q.completers.buyers };
  const rest = { visitors: q.nonCompleters.visitors, conversions: q.nonCompleters.buyers };
  if (done.visitors === 0 || rest.visitors === 0 || rest.conversions === 0) {
    return { tone: 'unclear', text: 'Too little data to compare the orders of visitors who finish the quiz with those who give up.' };
  }
  const lift = relativeLift(rest, done);
  const rates = `${f.rate(done.conversions / done.visitors)} against ${f.rate(rest.conversions / rest.visitors)}`;
  const caveat = 'Finishing is the visitor\'s choice, so part of the difference may be keener visitors, not the quiz.';
  const range = `${f.magnitude(LEVEL)}: ${f.change(lift.low)} to ${f.change(lift.high)}`;
  if (lift.low > 0) return { tone: 'positive', text: `Visitors who finish the quiz buy ${f.magnitude(lift.lift!)} more often than those who give up (${rates}; ${range}). ${caveat}` };
  if (lift.high < 0) return { tone: 'negative', text: `Visitors who finish the quiz buy ${f.magnitude(lift.lift!)} less often than those who give up (${rates}; ${range}).` };
  return { tone: 'unclear', text: `Visitors who finish the quiz buy about as often as those who give up (${rates}; ${range}).` };
}

/** The word shown before a verdict, so that its tone does not rest on colour. */
export const TONE_LABEL: Record<Tone, string> = { positive: 'Good', negative: 'Bad', warning: 'Warning', unclear: 'Not yet' };
