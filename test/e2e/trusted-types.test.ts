// Trusted Types in a real Chromium: on a page whose CSP requires them for scripts and
// allows only the `attune` policy, the tag still loads its add-ons beside it (the quiz
// and web vitals), with no violation. Served by a server of the test's own, since the
// static server sends no CSP.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, setupE2E } from './browser';

const CSP = "require-trusted-types-for 'script'; trusted-types attune";
const FIXTURE = fileURLToPath(new URL('./fixtures/trusted-types.html', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

declare global {
  interface Window {
    violations: string[];
  }
}

describeE2E('Trusted Types', () => {
  const e2e = setupE2E();
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    // The fixture and the built tag and add-ons, each with the CSP; nothing else.
    server = createServer(async (req, res) => {
      const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
      const file = name == 'trusted-types.html' ? FIXTURE : /^attune(\.\w+)?\.min\.js$/.test(name) ? DIST + name : '';
      const body = file && (await readFile(file).catch(() => undefined));
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': name.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript', 'Content-Security-Policy': CSP });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("loads the quiz and web-vitals add-ons through Attune's own policy, with no violation", async () => {
    const { page, pageErrors } = await firstPage(await e2e.launch());
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.sample}`));
    });
    const warnings: string[] = [];
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    const response = await page.goto(`${origin}/trusted-types.html`);
    expect(response?.headers()['content-security-policy']).toBe(CSP);
    await attuneReady(page);

    // The second stage and the quiz add-on it loads drew the quiz as a form; the vitals add-on loaded after start.
    await expect.poll(() => page.locator('.attune-quiz legend').textContent()).toBe('What for?');
    await page.waitForFunction(() => 'AttuneWebVitals' in window);
    const sources = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter((src) => src.includes('.min.js')).sort());
    expect(sources).toEqual(['attune.min.js', 'attune.quiz.min.js', 'attune.stage2.min.js', 'attune.vitals.min.js'].map((file) => `${origin}/${file}`));
    expect(await page.evaluate(() => window.violations)).toEqual([]);
    // The page really refuses a plain string: the policy is what let the add-ons in.
    const plain = await page.evaluate(() => {
      try {
        document.createElement('script').src = '/attune.quiz.min.js';
        return 'accepted';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(plain).toBe('TypeError');
    expect(warnings.filter((text) => text.startsWith('[attune]'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
