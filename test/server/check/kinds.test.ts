// @vitest-environment node
// How attune check tells a file's kind and reads its JSON: pure, checked in-process
// (test/e2e/check.test.ts runs the built command).
import { describe, expect, it } from 'vitest';
import { checkText, formatReport, summarise } from '../../../server/check/check-file';
import { parseJson } from '../../../server/check/json-text';
import { detectKind } from '../../../server/check/kinds';

const CONFIG = { placements: [{ id: 'hero', variants: [{ id: 'a' }] }] };
const SITE = { writeKeys: ['wk_kinds_test_0123456789abcdef'], origins: ['https://shop.example'] };

describe('detectKind', () => {
  it.each([
    ['a config', CONFIG, 'config'],
    ['a file of many configs', { sites: { a: CONFIG, b: { placements: [] } } }, 'config'],
    ['a quiz', { id: 'q', questions: [] }, 'quiz'],
    ['a catalog list', [{ id: 'p1' }], 'catalog'],
    ['a catalog object', { products: [], currency: 'EUR' }, 'catalog'],
    ['a sites file', { sites: { shop: SITE } }, 'sites'],
    ['a quiz by its $schema, whatever it holds', { $schema: './node_modules/attune/schema/quiz.schema.json', placements: [] }, 'quiz'],
    ['a sites file by its $schema', { $schema: 'http://127.0.0.1:8787/schema/sites.schema.json', sites: {} }, 'sites'],
  ])('tells %s', (_name, document, kind) => {
    expect(detectKind(document)).toBe(kind);
  });

  it.each([[{}], [{ hello: 1 }], ['text'], [null], [3], [{ sites: {} }]])('cannot tell %j', (document) => {
    expect(detectKind(document)).toBeUndefined();
  });
});

describe('checkText', () => {
  it('puts each site’s problems of a file of many configs under $.sites.<id>', () => {
    const report = checkText('many.json', JSON.stringify({ sites: { ok: CONFIG, 'shop 2': { placements: [{ id: 'x' }] } }, notes: 'x' }));
    expect(report).toEqual({
      file: 'many.json',
      kind: 'config',
      ok: false,
      problems: [
        { path: '$.notes', message: expect.stringMatching(/^is not read/), severity: 'error' },
        { path: '$.sites["shop 2"].placements[0].variants', message: 'is required', severity: 'error' },
      ],
    });
  });

  it('checks a sites file with the collector’s own rules', () => {
    const report = checkText('sites.json', JSON.stringify({ sites: { shop: { ...SITE, writeKeys: ['short'] } } }));
    expect(report.kind).toBe('sites');
    expect(report.problems).toEqual([{ path: '$.sites["shop"].writeKeys[0]', message: expect.stringMatching(/16 characters/), severity: 'error' }]);
  });

  it('counts errors and warnings, and lets warnings pass', () => {
    const report = summarise([checkText('a.json', JSON.stringify({ ...CONFIG, colour: 'red' })), checkText('b.json', '[]')]);
    expect([report.ok, report.errors, report.warnings]).toEqual([true, 0, 1]);
    expect(formatReport(report)).toBe('a.json: warning at $.colour: unknown key\nb.json: ok (catalog)\n0 errors, 1 warning in 2 files\n');
  });
});

describe('parseJson', () => {
  it('gives the line and column of the position the parser names', () => {
    const parsed = parseJson('{\n  "a": 1,\n  "b" 2\n}');
    expect(parsed).toEqual({ ok: false, problem: { path: '$', message: expect.stringMatching(/^not JSON: /), severity: 'error', line: 3, column: 7 } });
  });

  it('reads past a byte-order mark, and puts a cut-off file’s end where it stops', () => {
    expect(parseJson('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson('{"a": [1,\n')).toMatchObject({ ok: false, problem: { line: 2, column: 1 } });
  });
});
