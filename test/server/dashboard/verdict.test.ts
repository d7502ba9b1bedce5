import { describe, expect, it } from 'vitest';
import { createFormats, roughCount } from '../../../server/dashboard/format';
import { placementVerdicts, quizVerdict, ratioVerdict, sufficiencyVerdict, upliftVerdict, variantVerdict } from '../../../server/dashboard/verdict';
import { placementFixture, reportFixture } from '../fixtures/report';

const f = createFormats('en-GB', 'EUR');
const p = placementFixture();
const [base, eco, hostile] = p.variants;

describe('variant verdicts', () => {
  it('says a clear winner in words, with its interval and chance to be best', () => {
    expect(variantVerdict(eco, 'plain', f).text).toBe('Eco converts 18% better than the default (plain) (95%: +4% to +33%); 97% likely to be best.');
    expect(variantVerdict(eco, 'default', f)).toEqual({
      tone: 'positive',
      text: 'Eco converts 18% better than the default (95%: +4% to +33%); 97% likely to be best.',
    });
  });
  it('calls a difference whose interval straddles zero unclear, whatever its point estimate', () => {
    const v = variantVerdict(hostile, 'default', f);
    expect(v.tone).toBe('unclear');
    expect(v.text).toBe('<img src=x onerror=alert(1)> is not clearly better or worse than the default: the difference is somewhere from -20% to +10% (95%); 1% likely to be best.');
  });
  it('says a clear loser is worse', () => {
    const loser = { ...eco, lift: { relative: -0.12, low: -0.2, high: -0.03, probabilityBetter: 0.01 }, probabilityToBeBest: 0.004 };
    expect(variantVerdict(loser, null, f).text).toBe('Eco converts 12% worse than the default (95%: -20% to -3%); <1% likely to be best.');
  });
  it('names the default as the baseline, and says when no lift can be computed', () => {
    expect(variantVerdict(base, 'default', f).text).toBe('The default, default, is what the others are compared with; 2% likely to be best.');
    expect(variantVerdict({ ...eco, lift: null }, 'default', f).tone).toBe('unclear');
    expect(variantVerdict({ ...eco, probabilityToBeBest: 0.9999 }, 'default', f).text).toMatch(/>99% likely to be best/);
  });
});

describe('placement verdicts', () => {
  it('names the likely winner when there is enough data', () => {
    expect(placementVerdicts(p, f)).toEqual([{ tone: 'positive', text: 'Eco is the likely winner: 97% likely to be best.' }]);
  });
  it('asks for more visitors, rounded, when there is too little data', () => {
    const short = placementFixture({ enoughData: { enough: false, visitorsNeeded: 1937 } });
    expect(placementVerdicts(short, f)).toEqual([{ tone: 'unclear', text: 'Too little data: about 2,000 more visitors needed.' }]);
    expect(sufficiencyVerdict({ enough: false, visitorsNeeded: null }, f)?.text).toBe('Too little data to say anything yet.');
    expect(sufficiencyVerdict({ enough: true, visitorsNeeded: 0 }, f)).toBeNull();
  });
  it('puts a split warning first, in words a marketer understands', () => {
    const check = { kind: 'weights' as const, groups: ['a', 'b'], observed: [1000, 1300], expected: [0.5, 0.5], pValue: 3e-10, mismatch: true };
    const verdicts = placementVerdicts(placementFixture({ ratioChecks: [check] }), f);
    expect(verdicts[0]).toEqual({
      tone: 'warning',
      text: 'The split between variants is not what was configured (p < 0.001): visitors are not being assigned as intended, so these results cannot be trusted yet.',
    });
    expect(ratioVerdict({ ...check, mismatch: false }, f)).toBeNull();
    expect(ratioVerdict({ ...check, kind: 'holdout' }, f)?.text).toMatch(/^The split between personalised visitors and the holdout is not/);
  });
  it('says there is no clear winner below 95 %, and handles empty and single-variant placements', () => {
    const close = placementFixture({ variants: [{ ...base, probabilityToBeBest: 0.4 }, { ...eco, probabilityToBeBest: 0.6 }] });
    expect(placementVerdicts(close, f)[0].text).toBe('No clear winner yet: the leader, eco, is 60% likely to be best (a winner needs 95%).');
    expect(placementVerdicts(placementFixture({ variants: [] }), f)[0].text).toMatch(/No visitor has seen/);
    expect(placementVerdicts(placementFixture({ variants: [eco] }), f)[0].text).toMatch(/^Only Eco was shown/);
    const defaultWins = placementFixture({ variants: [{ ...base, probabilityToBeBest: 0.98 }, { ...eco, probabilityToBeBest: 0.02 }] });
    expect(placementVerdicts(defaultWins, f)[0]).toEqual({ tone: 'negative', text: 'The default (default) is the likely winner: 98% likely to be best; no alternative beats it.' });
  });
});

describe('uplift verdicts', () => {
  const u = p.uplift!;
  it('positive, negative and unclear', () => {
    expect(upliftVerdict(u, f)).toEqual({ tone: 'positive', text: 'Personalisation works: personalised visitors convert 35% more than the holdout (95%: +2% to +80%).' });
    const down = { ...u, conversionRate: { relative: -0.1, low: -0.18, high: -0.02, probabilityBetter: 0.01 } };
    expect(upliftVerdict(down, f, 'This placement')).toEqual({ tone: 'negative', text: 'This placement costs conversions: personalised visitors convert 10% less than the holdout (95%: -18% to -2%).' });
    const flat = { ...u, conversionRate: { relative: 0.03, low: -0.05, high: 0.12, probabilityBetter: 0.7 }, enoughData: { enough: false, visitorsNeeded: 12_345 } };
    expect(upliftVerdict(flat, f)).toEqual({
      tone: 'unclear',
      text: 'Personalisation has no clear effect yet: against the holdout it is somewhere from -5% to +12% (95%). Too little data to compare with the holdout: about 13,000 more visitors needed.',
    });
    const noBase = { ...u, conversionRate: { relative: null, low: null, high: null, probabilityBetter: null } };
    expect(upliftVerdict(noBase, f).text).toMatch(/holdout has no conversions yet/);
  });
});

describe('formats', () => {
  it('rounds visitor counts to two significant figures, upwards', () => {
    expect([0, 3.2, 10, 99, 101, 1937, 12_345, 2_000_001].map(roughCount)).toEqual([0, 4, 10, 99, 110, 2000, 13_000, 2_100_000]);
  });
  it('uses Intl for rates, money and p-values', () => {
    expect(f.rate(0.0345)).toBe('3.5%');
    expect(f.rate(0.345)).toBe('34.5%');
    expect(f.money(1234.5)).toBe('€1,234.50');
    expect(createFormats('de-DE', null).money(1234.5)).toBe('1.234,50');
    expect(createFormats('en-GB', 'NOT-A-CODE').money(2)).toBe('2.00');
    expect(f.p(0.04)).toBe('p = 0.04');
  });
});

describe('quiz verdicts', () => {
  const quiz = reportFixture().quizzes[0];
  it('compares the orders of completers with those who gave up, and says why it is not proof', () => {
    const big = { ...quiz, completers: { ...quiz.completers, visitors: 600, buyers: 120 }, nonCompleters: { ...quiz.nonCompleters, visitors: 400, buyers: 20 } };
    const v = quizVerdict(big, f);
    expect(v.tone).toBe('positive');
    expect(v.text).toBe("Visitors who finish the quiz buy 300% more often than those who give up (20% against 5%; 95%: +155% to +529%). Finishing is the visitor's choice, so part of the difference may be keener visitors, not the quiz.");
    const same = { ...quiz, completers: { ...quiz.completers, visitors: 100, buyers: 10 }, nonCompleters: { ...quiz.nonCompleters, visitors: 100, buyers: 10 } };
    expect(quizVerdict(same, f).tone).toBe('unclear');
    const none = { ...quiz, nonCompleters: { ...quiz.nonCompleters, buyers: 0 } };
    expect(quizVerdict(none, f).text).toMatch(/^Too little data/);
  });
});
