// Nothing slow before the first paint (issue 15): the built tag calls no Intl formatter (the
// first costs ~18 ms), touches no synchronous storage and reads no layout. What needs them
// (the time zone, the sender's lease, scroll depth) is in the second stage. Reads dist/,
// which `npm test` builds.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => {
  if (!existsSync(`dist/${file}`)) throw new Error(`dist/${file} is missing: npm test builds it (npm run build)`);
  return readFileSync(`dist/${file}`, 'utf8');
};
const SLOW = /\bIntl\b|localStorage|sessionStorage|document\.cookie|getBoundingClientRect|getComputedStyle|offset(Width|Height|Top|Left)|client(Width|Height)|scroll(Width|Height|Top)|innerHeight|innerWidth/g;

describe('the critical path', () => {
  it('the tag names no Intl formatter, synchronous storage or layout read', () => {
    expect(read('attune.min.js').match(SLOW) ?? []).toEqual([]);
  });

  it('the second stage is where they went', () => {
    const stage2 = read('attune.stage2.min.js');
    for (const word of ['Intl', 'localStorage', 'scrollHeight']) expect(stage2).toContain(word);
  });
});
