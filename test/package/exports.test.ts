// @vitest-environment node
// What the package offers matches what the build makes: every dist/attune*.min.js (the tag and its
// add-ons) is in package.json's `exports` and in the README's list of files a site owner copies
// beside the tag, and neither names a file the build does not make; each module entry's code and
// types exist. Needs dist/ (npm test builds it first).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
const SCRIPT_FILE = /^attune(\.[\w-]+)*\.min\.js$/;

/** The file names in the README's bulleted list under "Files to copy beside the tag". */
function readmeList(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Files to copy beside the tag');
  if (start < 0) throw new Error('README.md has no "### Files to copy beside the tag" section');
  const rest = readme.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => line.startsWith('#'));
  return (end < 0 ? rest : rest.slice(0, end)).flatMap((line) => /^- `([^`]+)`/.exec(line)?.[1] ?? []);
}

describe('the package', () => {
  let built: string[];
  beforeAll(() => {
    if (!existsSync(path.join(DIST, 'index.mjs'))) throw new Error('dist/index.mjs is missing: npm run build first');
    built = readdirSync(DIST).filter((file) => SCRIPT_FILE.test(file)).sort();
  });

  it('exports every script file the build makes, and no other', () => {
    // The tag and the add-ons of today at least: were the pattern wrong, nothing would be compared.
    expect(built).toEqual(expect.arrayContaining(['attune.min.js', 'attune.quiz.min.js', 'attune.recs.min.js', 'attune.triggers.min.js']));
    for (const file of built) expect(pkg.exports[`./${file}`], `exports["./${file}"]`).toBe(`./dist/${file}`);
    const exported = Object.keys(pkg.exports).filter((key) => SCRIPT_FILE.test(key.slice(2))).map((key) => key.slice(2));
    expect(exported.sort()).toEqual(built);
  });

  it("lists the same files in the README's files to copy beside the tag", () => {
    expect(readmeList().sort()).toEqual(built);
  });

  it('has the code and the types of each module entry', () => {
    const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === 'object');
    expect(entries.map(([key]) => key)).toEqual(expect.arrayContaining(['.', './quiz', './recommend']));
    for (const [key, target] of entries) {
      const { types, import: code } = target as Record<string, string>;
      expect(types, `exports["${key}"].types`).toMatch(/\.d\.ts$/);
      for (const file of [types, code]) expect(existsSync(path.join(ROOT, file)), `${key}: ${file}`).toBe(true);
    }
  });
});
