// @vitest-environment node
// The dashboard over real HTTP from the TypeScript source: its headers on every
// answer, signing in and out, the "off" page, and cross-site posts refused.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_COOKIE } from '../../../server/admin';
import { DASHBOARD_CSP } from '../../../server/dashboard/headers';
import { escapeHtml } from '../../../server/dashboard/page';
import { startTestCollector, type TestCollector } from '../helpers';

const TOKEN = 'dashboard-test-token-0123456789';
const ASSETS = fileURLToPath(new URL('../../../dist/dashboard/app.js', import.meta.url));

// Generous per-test timeouts: each test starts collectors and makes a dozen requests, on a 2-core machine
// that may be running other suites.
let c: TestCollector;
afterEach(() => c?.stop());

beforeAll(() => {
  if (!existsSync(ASSETS)) throw new Error(`${ASSETS} missing: run \`npm run build\` first (\`npm test\` builds for you).`);
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(c.url + path, { headers, redirect: 'manual' });
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(c.url + path, { method: 'POST', body, redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
const login = (token: string, headers: Record<string, string> = {}) => post('/dashboard/login', new URLSearchParams({ token, site: 'shop-1' }).toString(), headers);
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

function expectDashboardHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

describe('dashboard pages', { timeout: 20_000 }, () => {
  it('says the dashboard is off, and how to turn it on, without a configured token', async () => {
    c = await startTestCollector({ adminToken: undefined });
    const res = await get('/dashboard');
    expect(res.status).toBe(403);
    expectDashboardHeaders(res);
    const html = await res.text();
    expect(html).toContain('The dashboard is off');
    expect(html).toContain(escapeHtml('start the collector with --admin-token <token>'));
    expect((await login(TOKEN)).status).toBe(403);
  });

  it('every answer carries the CSP and security headers; pages have no inline script or style', async () => {
    c = await startTestCollector({ adminToken: TOKEN });
    const signedIn = cookieOf(await login(TOKEN));
    const answers = [
      await get('/dashboard'),
      await get('/dashboard?site=shop-1', { Cookie: signedIn }),
      await get('/dashboard', { Cookie: `${ADMIN_COOKIE}=stale` }),
      await get('/dashboard/'),
      await login('wrong-token-wrong-token'),
      await login(TOKEN),
      await post('/dashboard/logout', ''),
      await get('/dashboard/app.js'),
      await get('/dashboard/app.css'),
      await get('/dashboard/uplot.css'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 308, 401, 303, 303, 200, 200, 200]);
    for (const res of answers) {
      expectDashboardHeaders(res);
      const text = await res.text();
      if (res.headers.get('content-type')?.startsWith('text/html')) {
        expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
        expect(text).not.toMatch(/<style|\sstyle=|\son\w+=/i);
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    }
  });

  it('serves its files with their type, an ETag and 304 on revalidation', async () => {
    c = await startTestCollector({ adminToken: TOKEN });
    const js = await get('/dashboard/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const etag = js.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await js.text()).length).toBeGreaterThan(10_000);
    const again = await get('/dashboard/app.js', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expectDashboardHeaders(again);
    expect((await get('/dashboard/uplot.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/dashboard/../package.json')).status).toBe(404);
    expect((await get('/dashboard/collector.mjs')).status).toBe(404);
  });
});

describe('signing in', { timeout: 20_000 }, () => {
  it('asks for the token, refuses a wrong one with 401, and sets an HttpOnly SameSite=Strict cookie for the right one', async () => {
    c = await startTestCollector({ adminToken: TOKEN });
    const form = await get('/dashboard?site=shop-1');
    const html = await form.text();
    expect(html).toMatch(/<label for="token">Admin token<\/label>/);
    expect(html).toContain('<input type="hidden" name="site" value="shop-1">');
    expect((await get('/v1/report?site=shop-1')).status).toBe(401);

    const wrong = await login('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toMatch(/role="alert".*not the one the collector was started with/s);

    const right = await login(TOKEN);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/dashboard?site=shop-1');
    const setCookie = right.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${ADMIN_COOKIE}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict$`));
    expect(setCookie).not.toContain(TOKEN);

    const cookie = cookieOf(right);
    const page = await get('/dashboard?site=shop-1&from=2024-05-01&to=2024-05-30&segment=%3Cb%3E', { Cookie: cookie });
    expect(page.status).toBe(200);
    const shell = await page.text();
    expect(shell).toContain('<script type="module" src="/dashboard/app.js"></script>');
    expect(shell).toContain('value="2024-05-01"');
    expect(shell).toContain('<option value="&#60;b&#62;" selected>&#60;b&#62;</option>');
    const report = await get('/v1/report?site=shop-1&from=2024-05-01&to=2024-05-30', { Cookie: cookie });
    expect(report.status).toBe(200);
    expect((await report.json()).site).toBe('shop-1');

    const out = await post('/dashboard/logout', '', { Cookie: cookie, Origin: c.url });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0$`));
  });

  it('marks the cookie Secure behind a TLS proxy, and bounds the body', async () => {
    c = await startTestCollector({ adminToken: TOKEN });
    expect((await login(TOKEN, { 'X-Forwarded-Proto': 'https' })).headers.get('set-cookie')).toMatch(/; Secure$/);
    const huge = await post('/dashboard/login', `token=${'x'.repeat(10_000)}`);
    expect(huge.status).toBe(413);
    expect(await huge.text()).toMatch(/could not be read/);
    expect((await post('/dashboard/login', '{"token":1}', { 'Content-Type': 'application/json' })).status).toBe(415);
  });

  it('accepts a sign-in from its own page (Sec-Fetch-Site same-origin, else a same-host Origin)', async () => {
    c = await startTestCollector({ adminToken: TOKEN });
    expect((await login(TOKEN, { Origin: c.url, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(303);
    // Chromium's form POST under Referrer-Policy: no-referrer.
    expect((await login(TOKEN, { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' })).status).toBe(303);
    expect((await login(TOKEN, { Origin: c.url })).status).toBe(303);
  });
});

describe('cross-site posts', { timeout: 20_000 }, () => {
  it('are refused, by the CORS gate or by the dashboard itself, and set no cookie', async () => {
    c = await startTestCollector({ adminToken: TOKEN });
    const gated = await login(TOKEN, { Origin: 'https://evil.example' });
    expect(gated.status).toBe(403);
    expect(gated.headers.get('set-cookie')).toBeNull();
    await c.stop();

    // With every origin allowed by CORS, the dashboard still refuses what is not its own.
    c = await startTestCollector({ adminToken: TOKEN, origins: ['*'] });
    const attempts: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'cross-site', Origin: c.url },
    ];
    for (const headers of attempts) {
      const res = await login(TOKEN, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expectDashboardHeaders(res);
      expect(await res.text()).toMatch(/must be sent from the dashboard itself/);
    }
    const logout = await post('/dashboard/logout', '', { Origin: 'https://evil.example' });
    expect(logout.status).toBe(403);
    expect(logout.headers.get('set-cookie')).toBeNull();
  });
});
