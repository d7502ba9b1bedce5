// @vitest-environment node
// POST /v1/forget over real HTTP and SQLite: a device erases its own visitor with its
// erasure secret, and nobody else's rows move.
import { afterEach, describe, expect, it } from 'vitest';
import { batchOf, startTestCollector, type TestCollector } from './helpers';
import { aggregates, ALWAYS, folded, hashOf, rowsOf, visitorEvents } from './erasure-fixtures';

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const KEY = 'wk_forget_test_key_0123456789';
const SITES = { sites: { shop: { writeKeys: [KEY] } } };
const auth = { Authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` };

const send = (events: unknown[], anonymousId: string, secret: string, site = 'shop') =>
  c!.post(batchOf(events, { erasureKey: { anonymousId, hash: hashOf(secret) } }), { path: `/v1/batch?site=${site}`, headers: auth });
const forget = (body: Record<string, unknown>, headers: Record<string, string> = auth, contentType = 'application/json') =>
  c!.post(body, { path: '/v1/forget?site=shop', headers, contentType });

describe('POST /v1/forget', { timeout: 30_000 }, () => {
  it('deletes exactly that visitor’s rows, in every table, and leaves the aggregates', async () => {
    c = await startTestCollector({ sites: SITES });
    expect((await send(visitorEvents('anon-a', { userId: 'user-a', email: 'a@example.com' }), 'anon-a', 'secret-a')).status).toBe(200);
    expect((await send(visitorEvents('anon-b', { userId: 'user-b', email: 'b@example.com' }), 'anon-b', 'secret-b')).status).toBe(200);
    await folded(c.dbFile, 'shop', 'anon-a', 'user-a');
    await folded(c.dbFile, 'shop', 'anon-b', 'user-b');
    const before = { a: rowsOf(c.dbFile, 'shop', 'anon-a'), b: rowsOf(c.dbFile, 'shop', 'anon-b'), user: rowsOf(c.dbFile, 'shop', 'user-a') };
    // Every per-visitor table holds something of each visitor (as anonymous id or, once identified, user id).
    for (const table of ALWAYS) expect(before.a[table] + (before.user[table] ?? 0), table).toBeGreaterThan(0);
    const sums = aggregates(c.dbFile);

    const answer = await forget({ anonymousId: 'anon-a', userId: 'user-a', secret: 'secret-a' });
    expect(answer.status).toBe(200);
    const { erased } = await answer.json();
    expect(erased.events).toBe(8);
    expect(erased.interactions).toBe(3);

    for (const [table, n] of Object.entries(rowsOf(c.dbFile, 'shop', 'anon-a'))) expect(n, table).toBe(0);
    for (const [table, n] of Object.entries(rowsOf(c.dbFile, 'shop', 'user-a'))) expect(n, table).toBe(0);
    expect(rowsOf(c.dbFile, 'shop', 'anon-b')).toEqual(before.b);
    expect(aggregates(c.dbFile)).toBe(sums);
    // The key stays, marked erased, so a repeat (beacon, then outbox) still proves itself.
    expect(c.count('erasure_keys', "anonymous_id = 'anon-a' AND erased_at IS NOT NULL")).toBe(1);
    const again = await forget({ anonymousId: 'anon-a', secret: 'secret-a' });
    expect(again.status).toBe(200);
    expect((await again.json()).erased.events).toBe(0);
  });

  it('refuses a wrong secret with 403 and deletes nothing; the first key registered stays', async () => {
    c = await startTestCollector({ sites: SITES });
    await send(visitorEvents('anon-a'), 'anon-a', 'secret-a');
    // Someone who learnt the id sends a key of their own: the first one wins.
    await send(visitorEvents('anon-a'), 'anon-a', 'attacker');
    const before = rowsOf(c.dbFile, 'shop', 'anon-a');
    for (const secret of ['attacker', 'secret-b', 'x'.repeat(200)]) {
      const answer = await forget({ anonymousId: 'anon-a', secret });
      expect(answer.status, secret).toBe(403);
      expect((await answer.json()).error).toMatch(/does not match/);
    }
    expect(rowsOf(c.dbFile, 'shop', 'anon-a')).toEqual(before);
  });

  it('refuses a visitor with rows but no key (403), and answers zeros for one it holds nothing of', async () => {
    c = await startTestCollector({ sites: SITES });
    await c.post(batchOf(visitorEvents('anon-old')), { path: '/v1/batch?site=shop', headers: auth });
    const keyless = await forget({ anonymousId: 'anon-old', secret: 'anything' });
    expect(keyless.status).toBe(403);
    expect((await keyless.json()).error).toMatch(/no erasure secret is registered/);
    expect(c.count('events', "anonymous_id = 'anon-old'")).toBeGreaterThan(0);
    const unknown = await forget({ anonymousId: 'anon-never', secret: 'anything' });
    expect(unknown.status).toBe(200);
    expect(Object.values((await unknown.json()).erased).every((n) => n === 0)).toBe(true);
  });

  it('needs the site’s write key, as a header or in the body (a beacon)', async () => {
    c = await startTestCollector({ sites: SITES });
    await send(visitorEvents('anon-a'), 'anon-a', 'secret-a');
    expect((await forget({ anonymousId: 'anon-a', secret: 'secret-a' }, {})).status).toBe(401);
    expect((await forget({ anonymousId: 'anon-a', secret: 'secret-a', writeKey: 'wk_wrong_key_0000000000' }, {})).status).toBe(401);
    expect(c.count('events', "anonymous_id = 'anon-a'")).toBe(7);
    const beacon = await forget({ anonymousId: 'anon-a', secret: 'secret-a', writeKey: KEY }, {}, 'text/plain');
    expect(beacon.status).toBe(200);
    expect(c.count('events', "anonymous_id = 'anon-a'")).toBe(0);
  });

  it('does not erase a user id that other devices also wrote as', async () => {
    c = await startTestCollector({ sites: SITES });
    await send(visitorEvents('anon-a', { userId: 'shared' }), 'anon-a', 'secret-a');
    await send(visitorEvents('anon-b', { userId: 'shared' }), 'anon-b', 'secret-b');
    expect((await forget({ anonymousId: 'anon-a', userId: 'shared', secret: 'secret-a' })).status).toBe(200);
    expect(c.count('events', "anonymous_id = 'anon-a'")).toBe(0);
    expect(c.count('events', "anonymous_id = 'anon-b'")).toBe(8);
  });

  it('answers 400 for a malformed request', async () => {
    c = await startTestCollector({ sites: SITES });
    for (const body of [{ secret: 's' }, { anonymousId: 'a' }, { anonymousId: 'a', secret: '' }, { anonymousId: 'a', secret: 's', userId: 7 }]) {
      expect((await forget(body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await c.post('not json', { path: '/v1/forget?site=shop', headers: auth })).status).toBe(400);
  });
});
