import { describe, expect, it } from 'vitest';
import { createFormats } from '../../../server/dashboard/format';
import { csvCell, csvFileName, toCsv } from '../../../server/dashboard/csv';
import { formatCell, orderedVariants, placementTable, quizFunnelTable, tableCsv } from '../../../server/dashboard/tables';
import { placementFixture, reportFixture } from '../fixtures/report';

// Input → the cell as written. Text starting with = + - @ tab or CR would run as a
// formula in a spreadsheet: it gets a leading apostrophe (OWASP CSV injection).
const VECTORS: [string | number | null, string][] = [
  ['plain', 'plain'],
  ['=1+1', "'=1+1"],
  ['+1', "'+1"],
  ['-1+2', "'-1+2"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\t=1', "'\t=1"],
  ['\r=1', '"\'\r=1"'],
  ['=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['line\nbreak', '"line\nbreak"'],
  [' padded', '" padded"'],
  ['a=b', 'a=b'],
  [-0.05, '-0.05'],
  [12, '12'],
  [Number.NaN, ''],
  [null, ''],
];

describe('CSV', () => {
  it.each(VECTORS)('%j is written %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });
  it('joins rows with CRLF after a byte order mark', () => {
    expect(toCsv([['a', 1], ['=b', null]])).toBe('\ufeffa,1\r\n\'=b,\r\n');
  });
  it('makes safe file names', () => {
    expect(csvFileName('shop-1', 'Placement ../../etc: variants')).toBe('shop-1-placement-etc-variants.csv');
    expect(csvFileName('***')).toBe('table.csv');
  });
});

describe('tables', () => {
  it('a placement table as CSV: raw numbers, intervals as three columns, hostile names escaped', () => {
    const csv = tableCsv(placementTable(placementFixture({ variants: [{ ...placementFixture().variants[0], variant: '=cmd' }] }), 0));
    const [header, first, holdout] = csv.slice(1).split('\r\n');
    expect(header).toBe('Variant,Visitors,Impressions,Converting visitors,Conversion rate,Conversion rate 95% low,Conversion rate 95% high,Revenue,Revenue per visitor,Revenue per visitor 95% low,Revenue per visitor 95% high,Lift against the default,Lift against the default 95% low,Lift against the default 95% high,Chance to be best');
    expect(first).toBe("'=cmd (default),3000,6000,300,0.1,0.08,0.12000000000000001,12000,4,3.5,4.5,,,,0.02");
    expect(holdout.startsWith('Holdout (not personalised),600,1200,48,0.08,')).toBe(true);
  });
  it('formats cells for people', () => {
    const f = createFormats('en-GB', 'EUR');
    const t = placementTable(placementFixture(), 0);
    expect(formatCell(t.rows[1][4], t.columns[4], f)).toBe('11.8% (9.8% to 13.8%)');
    expect(formatCell(t.rows[1][7], t.columns[7], f)).toBe('+18% (+4% to +33%)');
    expect(formatCell(null, t.columns[1], f)).toBe('–');
    const funnel = quizFunnelTable(reportFixture().quizzes[0], 0);
    expect(funnel.rows.map((r) => r[0])).toEqual(['Started', 'Answered terrain', 'Answered budget', 'Completed', 'Gave up at budget']);
  });
});

describe('variant order', () => {
  it('lists the default first, then by chance to be best', () => {
    const p = placementFixture();
    const [base, eco, hostile] = p.variants;
    expect(orderedVariants({ ...p, variants: [hostile, eco, base] }).map((v) => v.variant)).toEqual([base.variant, eco.variant, hostile.variant]);
  });
});
