// @vitest-environment node
// The admin side of erasure over real HTTP and SQLite: DELETE /v1/visitors by user id
// and by e-mail (the address removed as a sensitive trait, found by its digest), and
// GET /v1/visitors/export.
import { afterEach, describe, expect, it } from 'vitest';
import { batchOf, startTestCollector, type TestCollector } from './helpers';
import { aggregates, folded, rowsOf, visitorEvents } from './erasure-fixtures';

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const TOKEN = 'admin-token-for-erasure-tests';
const admin = { Authorization: `Bearer ${TOKEN}` };
const call = (method: string, path: string, headers: Record<string, string> = admin) => fetch(c!.url + path, { method, headers });
const nothingOf = (visitor: string) => Object.values(rowsOf(c!.dbFile, 'shop', visitor)).every((n) => n === 0);

/** Alice on two devices (a laptop, then a phone, both signed in), Bob on one. */
async function seed(options: Parameters<typeof startTestCollector>[0] = {}, headers: Record<string, string> = {}) {
  c = await startTestCollector({ adminToken: TOKEN, ...options });
  const events = [
    ...visitorEvents('laptop', { userId: 'alice', email: 'Alice@Example.com' }),
    ...visitorEvents('phone', { userId: 'alice' }),
    ...visitorEvents('bob-laptop', { userId: 'bob', email: 'bob@example.com' }),
  ];
  expect((await c.post(batchOf(events), { path: '/v1/batch?site=shop', headers })).status).toBe(200);
  await folded(c.dbFile, 'shop', 'bob-laptop', 'bob');
}

describe('DELETE /v1/visitors and GET /v1/visitors/export (admin)', { timeout: 30_000 }, () => {
  it('erases a user id with every anonymous id linked to it, and nobody else', async () => {
    await seed();
    const bob = { anon: rowsOf(c!.dbFile, 'shop', 'bob-laptop'), user: rowsOf(c!.dbFile, 'shop', 'bob') };
    const sums = aggregates(c!.dbFile);
    const answer = await call('DELETE', '/v1/visitors?site=shop&userId=alice');
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body.anonymousIds).toEqual(['laptop', 'phone']);
    expect(body.erased.events).toBe(16);
    for (const visitor of ['laptop', 'phone', 'alice']) expect(nothingOf(visitor), visitor).toBe(true);
    expect({ anon: rowsOf(c!.dbFile, 'shop', 'bob-laptop'), user: rowsOf(c!.dbFile, 'shop', 'bob') }).toEqual(bob);
    expect(aggregates(c!.dbFile)).toBe(sums);
  });

  it('erases by e-mail, whether the address was removed as sensitive (found by its digest) or stored', async () => {
    await seed();
    expect(c!.count('events', "payload LIKE '%example.com%'")).toBe(0);
    const answer = await call('DELETE', `/v1/visitors?site=shop&email=${encodeURIComponent(' alice@EXAMPLE.com')}`);
    expect(answer.status).toBe(200);
    const body = await answer.json();
    // The e-mail was on the laptop's identify; the user id it names reaches the phone too.
    expect(body).toMatchObject({ anonymousIds: ['laptop', 'phone'], userIds: ['alice'] });
    expect(JSON.stringify(body)).not.toContain('example.com');
    for (const visitor of ['laptop', 'phone', 'alice']) expect(nothingOf(visitor), visitor).toBe(true);
    expect(nothingOf('bob-laptop')).toBe(false);
    await c!.stop();

    const auth = { Authorization: `Basic ${Buffer.from('wk_admin_test_key_000000:').toString('base64')}` };
    await seed({ sites: { sites: { shop: { writeKeys: ['wk_admin_test_key_000000'], storeSensitiveTraits: true } } } }, auth);
    await c!.post(batchOf(visitorEvents('carol-laptop', { userId: 'carol', email: 'carol@example.com' })), { path: '/v1/batch?site=shop', headers: auth });
    expect(c!.count('events', "payload LIKE '%carol@example.com%'")).toBe(1);
    const stored = await (await call('DELETE', '/v1/visitors?site=shop&email=carol@example.com')).json();
    expect(stored.anonymousIds).toEqual(['carol-laptop']);
    expect(nothingOf('carol-laptop')).toBe(true);
  });

  it('exports everything held about a visitor, by anonymous id or user id', async () => {
    await seed();
    const byUser = await call('GET', '/v1/visitors/export?site=shop&userId=alice');
    expect(byUser.status).toBe(200);
    const held = await byUser.json();
    expect(held).toMatchObject({ site: 'shop', anonymousIds: ['laptop', 'phone'], userIds: ['alice'] });
    expect(held.events).toHaveLength(16);
    expect(held.events[0].event.anonymousId).toBe('laptop');
    expect(held.rows.interactions.length).toBe(6);
    // Identified at the end of each history: the report's rows are the user's now, or still the devices'.
    expect(held.rows.cohort_members.length).toBeGreaterThan(0);
    expect(JSON.stringify(held)).not.toContain('bob');
    const byDevice = await (await call('GET', '/v1/visitors/export?site=shop&anonymousId=phone')).json();
    expect(byDevice).toMatchObject({ anonymousIds: ['phone'], userIds: [], linkedUserIds: ['alice'] });
    expect(byDevice.events.every((e: { event: { anonymousId: string } }) => e.event.anonymousId === 'phone')).toBe(true);
  });

  it('needs the admin token and exactly one way of naming the visitor', async () => {
    await seed();
    expect((await call('DELETE', '/v1/visitors?site=shop&userId=alice', {})).status).toBe(401);
    expect((await call('DELETE', '/v1/visitors?site=shop&userId=alice', { Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await call('GET', '/v1/visitors/export?site=shop&userId=alice', {})).status).toBe(401);
    expect(nothingOf('laptop')).toBe(false);
    expect((await call('DELETE', '/v1/visitors?site=shop')).status).toBe(400);
    expect((await call('DELETE', '/v1/visitors?site=shop&userId=alice&email=a@b.c')).status).toBe(400);
    expect((await call('DELETE', '/v1/visitors?site=shop&email=not-an-address')).status).toBe(400);
    await c!.stop();
    c = await startTestCollector();
    expect((await call('DELETE', '/v1/visitors?site=shop&userId=alice')).status).toBe(403);
  });
});
