// @vitest-environment node
// The command line asks which sites it serves: without --sites or the quick form it
// does not start (exit code 2), so a collector started by hand never takes writes
// without a key.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../server/cli';

afterEach(() => vi.restoreAllMocks());

const run = async (args: string[]) => {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  return { code: await runCli(args), stderr: written.join('') };
};

describe('attune-collector', () => {
  it('exits 2 without --sites or --site, saying how to give them', async () => {
    const { code, stderr } = await run(['--port', '0', '--db', ':memory:']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--sites sites\.json/);
    expect(stderr).toMatch(/--site <id> --origin <url>/);
  });

  it('exits 2 for mixed or half-given forms', async () => {
    for (const args of [
      ['--sites', 'sites.json', '--site', 'shop'],
      ['--sites', 'sites.json', '--origin', 'https://shop.example'],
      ['--site', 'shop', '--write-key', 'short'],
    ]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(/^(give either|with --sites|--write-key must)/);
    }
  });

  it('exits 1 naming the problem of a sites file that does not parse', async () => {
    const { code, stderr } = await run(['--port', '0', '--db', ':memory:', '--sites', '/nonexistent/sites.json']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/sites file \/nonexistent\/sites\.json could not be read/);
  });
});
