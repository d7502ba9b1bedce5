// `attune check`, as a site owner runs it: the package laid out as npm installs it (the
// files `npm pack` would publish, its dependencies beside it), its bin run as a child
// process on files in a temporary folder.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../server/check';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let dir = '';
let pkg = '';

/** Runs the installed `attune` bin in the temporary folder; never rejects on a non-zero exit. */
async function attune(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')).bin.attune;
  try {
    const { stdout, stderr } = await run(process.execPath, [join(pkg, bin), ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const json = async (...args: string[]) => {
  const r = await attune('check', '--json', ...args);
  return { ...r, report: JSON.parse(r.stdout) as CheckReport };
};
const write = (name: string, value: unknown) => writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));

const CONFIG = { placements: [{ id: 'hero', slot: 'hero', variants: [{ id: 'a' }, { id: 'b', when: { 'orders.count': { $gte: 3 } } }] }] };
const TYPO = { placements: [{ id: 'hero', slot: 'hero', variants: [{ id: 'a' }, { id: 'b', when: { 'orders.count': { $gtee: 3 } } }] }] };

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/check.mjs'))) throw new Error('dist/check.mjs missing: run `npm run build` first.');
  dir = await mkdtemp(join(tmpdir(), 'attune-check-'));
  pkg = join(dir, 'node_modules/attune');
  // Exactly the published files: a bin that reached into src/ or a devDependency fails here.
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const [{ files }] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  for (const { path } of files) {
    await mkdir(dirname(join(pkg, path)), { recursive: true });
    await cp(join(ROOT, path), join(pkg, path));
  }
  // Its dependencies (not its devDependencies), as npm would put them beside it.
  for (const dep of Object.keys(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).dependencies)) {
    await symlink(join(ROOT, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
  }
  await write('home.json', CONFIG);
  await cp(join(ROOT, 'examples/product-finder.quiz.json'), join(dir, 'finder.json'));
  await cp(join(ROOT, 'examples/catalog.json'), join(dir, 'catalog.json'));
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('attune check', () => {
  it('passes good files of each kind, told apart by their content, with exit code 0', async () => {
    const { code, stdout } = await attune('check', 'home.json', 'finder.json', 'catalog.json');
    expect(code).toBe(0);
    expect(stdout).toBe('home.json: ok (config)\nfinder.json: ok (quiz)\ncatalog.json: ok (catalog)\n0 errors, 0 warnings in 3 files\n');
  });

  it('prints every problem with its file and JSON path, and exits 1', async () => {
    await write('typo.json', TYPO);
    await write('quiz.json', { id: 'q', questions: [{ id: 'a', type: 'single', title: 'A?' }], outcomes: [{ id: 'o' }] });
    const { code, stdout } = await attune('check', 'home.json', 'typo.json', 'quiz.json');
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('typo.json: error at $.placements[0].variants[1].when["orders.count"].$gtee: unknown operator $gtee');
    expect(lines).toContain('quiz.json: error at $.questions[0].options: is required');
    expect(lines[0]).toBe('home.json: ok (config)');
    expect(lines.at(-1)).toMatch(/^\d+ errors, \d+ warnings? in 3 files$/);
  });

  it('--json prints the documented report', async () => {
    await write('catalog-bad.json', [{ id: 'p1', title: 'Shoe', url: 'javascript:alert(1)' }, { id: 'p2', title: 'Sock', url: '/p2', price: -1 }]);
    const { code, report } = await json('typo.json', 'catalog-bad.json', 'home.json');
    expect(code).toBe(1);
    expect(report).toEqual({
      version: 1,
      ok: false,
      errors: 2,
      warnings: 1,
      files: [
        { file: 'typo.json', kind: 'config', ok: false, problems: [{ path: '$.placements[0].variants[1].when["orders.count"].$gtee', message: 'unknown operator $gtee', severity: 'error' }] },
        {
          file: 'catalog-bad.json',
          kind: 'catalog',
          ok: false,
          problems: [
            { path: '$[0].url', message: expect.stringMatching(/url/), severity: 'error' },
            { path: '$[1].price', message: expect.stringMatching(/price/), severity: 'warning' },
          ],
        },
        { file: 'home.json', kind: 'config', ok: true, problems: [] },
      ],
    });
  });

  it('judges a file as --kind says, whatever it looks like', async () => {
    const { code, report } = await json('--kind', 'quiz', 'home.json');
    expect(code).toBe(1);
    expect(report.files[0].kind).toBe('quiz');
    expect(report.files[0].problems).toContainEqual({ path: '$.questions', message: 'is required', severity: 'error' });
  });

  it('says when it cannot tell a file’s kind, and how to give it', async () => {
    await write('mystery.json', { hello: 'world' });
    const { code, report } = await json('mystery.json');
    expect(code).toBe(1);
    expect(report.files[0]).toEqual({ file: 'mystery.json', kind: null, ok: false, problems: [{ path: '$', message: expect.stringContaining('give --kind config|quiz|catalog|sites'), severity: 'error' }] });
  });

  it('reports a file that is not JSON at the line and column where the parser stopped', async () => {
    await write('broken.json', '{\n  "placements": [\n    { "id": "hero" "variants": [] }\n  ]\n}\n');
    const { code, stdout } = await attune('check', 'broken.json');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^broken\.json:3:20: error at \$: not JSON: .+\n1 error, 0 warnings in 1 file\n$/);
    const { report } = await json('broken.json');
    expect(report.files[0].problems[0]).toMatchObject({ path: '$', severity: 'error', line: 3, column: 20 });
    // Where the parser names no position, the message is all there is.
    await write('cut.json', '{ "placements": [');
    const cut = await json('cut.json');
    expect(cut.report.files[0].problems[0]).toMatchObject({ path: '$', message: expect.stringMatching(/^not JSON: /), line: 1, column: 18 });
  });

  it('reports files it cannot read, and checks the others', async () => {
    const { code, report } = await json('missing.json', 'home.json', '.');
    expect(code).toBe(1);
    expect(report.files.map((f) => [f.file, f.ok, f.problems[0]?.message])).toEqual([
      ['missing.json', false, 'cannot read the file: no such file'],
      ['home.json', true, undefined],
      ['.', false, 'cannot read the file: it is a folder'],
    ]);
  });

  it('exits 2 for a mistake on the command line, saying what is wrong', async () => {
    for (const [args, said] of [
      [['check', '--kind', 'recipe', 'home.json'], /--kind must be one of config\|quiz\|catalog\|sites, not recipe/],
      [['check'], /which files\?/],
      [['check', '--colour', 'home.json'], /Unknown option '--colour'/],
      [['validate', 'home.json'], /unknown command: validate/],
      [[], /no command given/],
    ] as const) {
      const { code, stdout, stderr } = await attune(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(said);
      expect(stdout).toBe('');
    }
    const help = await attune('check', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: attune check/);
  });

  it('exports the schemas as attune/schema/<file>', async () => {
    const require = createRequire(join(dir, 'index.js'));
    for (const name of ['attune.config.schema.json', 'quiz.schema.json', 'sites.schema.json']) {
      expect(require.resolve(`attune/schema/${name}`)).toBe(join(pkg, 'schema', name));
      expect(require(`attune/schema/${name}`).$id).toMatch(new RegExp(`/schema/${name.replace(/\./g, '\\.')}$`));
    }
  });
});
