// Server-side trigger signals end to end: in a real Chromium, a visitor of the demo
// shop adds a product to the cart and leaves for good; the real collector (built),
// with the site's cart window set to seconds, detects the abandoned cart without the
// visitor returning and posts a signed Cart Abandoned to the test's receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { attuneReady, describeE2E, firstPage, notHeldOut, pointDemoAt, setupE2E } from './browser';
import { DEMO_WRITE_KEY } from '../../scripts/demo-sites.mjs';
import { useCollector } from './collector';

const SECRET = 'whsec_e2e_0123456789abcdefghij';

// The check server/README.md documents (test/server/triggers/webhooks.test.ts runs the snippet itself).
function verified(body: string, header: unknown, now = Date.now()): boolean {
  const fields = Object.fromEntries(String(header).split(',').map((part) => part.trim().split('=', 2)));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', SECRET).update(`${t}.${body}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describeE2E('trigger signals delivered by webhooks', () => {
  const e2e = setupE2E();
  const collector = useCollector();
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('add to cart, leave, never come back: the receiver gets a signed Cart Abandoned for that visitor', async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/attune`;
    const origin = new URL(e2e.url()).origin;
    const server = await collector([origin], {
      sites: {
        sites: {
          demo: {
            // The key the demo's pages carry as data-write-key.
            writeKeys: [DEMO_WRITE_KEY],
            origins: [origin],
            triggers: { cartAbandonedMinutes: 0.05 },
            webhooks: [{ url: hook, events: ['Cart Abandoned'], secret: SECRET }],
          },
        },
      },
      triggers: { intervalMs: 250 },
    });
    const context = await pointDemoAt(await e2e.launch(), server.url);
    const { page, pageErrors } = await firstPage(context);
    const userId = await notHeldOut(page);
    await page.goto(e2e.url('/product.html?id=trail-runner'));
    await attuneReady(page);
    await page.click('#add-to-cart');
    await page.evaluate(() => window.Attune.flush());
    await expect.poll(() => page.evaluate(() => window.Attune.outboxSize()), { timeout: 20_000 }).toBe(0);
    const anonymousId = await page.evaluate(async () => (await window.Attune.export())!.anonymousId);
    expect(pageErrors).toEqual([]);
    await context.close();

    await expect.poll(() => received.length, { timeout: 30_000, interval: 250 }).toBe(1);
    const [{ headers, body }] = received;
    expect(verified(body, headers['attune-signature'])).toBe(true);
    const delivery = JSON.parse(body);
    expect(delivery).toMatchObject({ event: 'Cart Abandoned', site: 'demo', anonymousId, userId, traits: {} });
    expect(headers['idempotency-key']).toBe(delivery.id);
    expect(delivery.properties.products.map((p: { product_id: string }) => p.product_id)).toEqual(['trail-runner']);
    // Once: later detection runs find nothing new.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received).toHaveLength(1);
  });
});
