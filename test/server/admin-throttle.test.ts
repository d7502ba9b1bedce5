// @vitest-environment node
// Wrong admin tokens over real HTTP: an address that sent ADMIN_FAILURE_LIMIT.burst of
// them is refused with 429 on every admin endpoint and the dashboard's sign-in, the
// right token too, until its bucket refills on the collector's clock.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_FAILURE_LIMIT } from '../../server/admin';
import { startTestCollector, type TestCollector } from './helpers';

const TOKEN = 'throttle-test-token-0123456789';
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const report = (token: string) => fetch(`${c!.url}/v1/report?site=shop`, { headers: { Authorization: `Bearer ${token}` } });
const signIn = (token: string) =>
  fetch(`${c!.url}/dashboard/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, site: 'shop' }).toString() });

describe('wrong admin tokens', { timeout: 30_000 }, () => {
  it('are answered 401 up to the burst, then 429 with Retry-After, the right token included, until the bucket refills', async () => {
    let now = Date.UTC(2024, 4, 1);
    c = await startTestCollector({ adminToken: TOKEN, clock: () => now });
    // Requests without a token cost nothing.
    for (let i = 0; i < 5; i++) expect((await fetch(`${c.url}/v1/report?site=shop`)).status).toBe(401);
    // Wrong tokens by Bearer and by the sign-in form draw on one bucket per address.
    for (let i = 0; i < ADMIN_FAILURE_LIMIT.burst; i++) expect((await (i % 2 ? report : signIn)(`wrong-token-${i}-0123456789`)).status).toBe(401);
    const refused = await report(TOKEN);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(1 / ADMIN_FAILURE_LIMIT.perSecond));
    expect((await refused.json()).error).toMatch(/too many wrong admin tokens from this address/);
    const form = await signIn(TOKEN);
    expect(form.status).toBe(429);
    expect(await form.text()).toContain('Too many wrong tokens came from this address');
    expect((await fetch(`${c.url}/v1/visitors?site=shop&anonymousId=a`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(429);
    // One token back: the right token passes, and a wrong one is refused again at once.
    now += 1000 / ADMIN_FAILURE_LIMIT.perSecond;
    expect((await report(TOKEN)).status).toBe(200);
    expect((await report('wrong-token-again-0123456789')).status).toBe(401);
    expect((await report(TOKEN)).status).toBe(429);
  });
});
