// @vitest-environment node
// The collector's --config is checked at the door, as `attune check` checks it: a
// version with an error is never served, at start (the collector does not start) or
// after an edit (the last good version stays), and every error is printed with its path.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../server/cli';
import { startTestCollector, type TestCollector } from './helpers';

let c: TestCollector | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await c?.stop();
  c = undefined;
});

const GOOD = { placements: [{ id: 'hero', slot: 'hero', variants: [{ id: 'a' }, { id: 'b', when: { 'orders.count': { $gte: 3 } } }] }] };
// Two errors: a typo'd operator and a placement without variants.
const BROKEN = {
  placements: [
    { id: 'hero', slot: 'hero', variants: [{ id: 'a' }, { id: 'b', when: { 'orders.count': { $gtee: 3 } } }] },
    { id: 'footer', slot: 'footer' },
  ],
};
const ERRORS = ['$.placements[0].variants[1].when["orders.count"].$gtee: unknown operator $gtee', '$.placements[1].variants: is required'];

const get = (path = '/v1/config?site=shop-1', headers: Record<string, string> = {}) => fetch(`${c!.url}${path}`, { headers });

describe('the collector’s --config at the door', () => {
  it('does not start on a config with errors, listing each with its path', async () => {
    await expect(startTestCollector({ config: BROKEN })).rejects.toThrow(/has 2 errors:\n {2}(.+)\n {2}(.+)$/);
    const error = await startTestCollector({ config: BROKEN }).catch((e: Error) => e);
    for (const line of ERRORS) expect((error as Error).message).toContain(`\n  ${line}`);
  });

  it('checks each site of a { sites } file, with paths under $.sites', async () => {
    const error = await startTestCollector({ config: { sites: { 'shop-1': GOOD, 'shop 2': BROKEN } } }).catch((e: Error) => e);
    expect((error as Error).message).toContain('\n  $.sites["shop 2"].placements[1].variants: is required');
    expect((error as Error).message).not.toContain('shop-1');
  });

  it('exits 1 from the command line with the list, and does not listen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'attune-config-cli-'));
    try {
      await writeFile(join(dir, 'config.json'), JSON.stringify(BROKEN));
      const written: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const code = await runCli(['--site', 'shop-1', '--port', '0', '--db', ':memory:', '--config', join(dir, 'config.json')]);
      expect(code).toBe(1);
      const stderr = written.join('');
      expect(stderr).toMatch(/^attune-collector could not start: config .+config\.json has 2 errors:/);
      for (const line of ERRORS) expect(stderr).toContain(`\n  ${line}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says where a config that is not JSON stops parsing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'attune-config-json-'));
    try {
      await writeFile(join(dir, 'config.json'), '{\n  "placements": [] "holdout": 0.1\n}');
      const error = await startTestCollector({ configFile: join(dir, 'config.json') }).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/is not JSON:\n {2}\$ \(line 2, column 20\): not JSON: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps serving the last good config when an edit has errors, and logs each error once', async () => {
    const logged: string[] = [];
    c = await startTestCollector({ config: GOOD, log: (m) => logged.push(m) });
    const file = join(c.dir, 'site-config.json');
    const first = await get();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual(GOOD);
    const etag = first.headers.get('etag')!;

    // Replaced whole, as an editor saves: a read between writeFile's truncation and its write would be another error.
    await writeFile(`${file}.tmp`, JSON.stringify(BROKEN, null, 2));
    await rename(`${file}.tmp`, file);
    const during = await get();
    expect(during.status).toBe(200);
    expect(during.headers.get('etag')).toBe(etag);
    expect(await during.json()).toEqual(GOOD);
    expect((await get('/v1/config?site=shop-1', { 'If-None-Match': etag })).status).toBe(304);
    expect(logged, logged.join('\n---\n')).toHaveLength(1);
    expect(logged[0]).toMatch(/^config .+site-config\.json not reloaded, serving the previous version: .*has 2 errors:/);
    for (const line of ERRORS) expect(logged[0]).toContain(`\n  ${line}`);

    // Fixed, the new version is served at once.
    const fixed = { ...GOOD, holdout: 0.1 };
    await writeFile(`${file}.tmp`, JSON.stringify(fixed));
    await rename(`${file}.tmp`, file);
    const after = await get('/v1/config?site=shop-1', { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(fixed);
    expect(logged, logged.join('\n---\n')).toHaveLength(1);
  });

  it('serves a config with warnings, and logs them with their paths', async () => {
    const logged: string[] = [];
    c = await startTestCollector({ config: { ...GOOD, colour: 'red' }, log: (m) => logged.push(m) });
    expect(logged).toEqual([expect.stringMatching(/has 1 warning:\n {2}\$\.colour: unknown key$/)]);
    const res = await get();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(GOOD);
  });
});
