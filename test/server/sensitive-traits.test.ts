// @vitest-environment node
// Sensitive traits (e-mail and phone by default) are removed before events are
// stored, a marker left in their place, unless the site says to keep them; and they
// never reach the log, on the error paths either.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { removedMarker, traitDigest } from '../../server/sensitive-traits';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const KEY = 'wk_sensitive_test_key_000000';
const auth = { Authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` };
const identify = (traits: Record<string, unknown>, context: Record<string, unknown> = {}) =>
  trackEvent('', {}, { type: 'identify', event: undefined, properties: undefined, userId: 'u1', traits, context: { library: { name: 'attune' }, ...context } });
const payloads = (site: string) => {
  const db = new Database(c!.dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT payload FROM events WHERE site = ? ORDER BY id').all(site) as { payload: string }[]).map((r) => JSON.parse(r.payload));
  } finally {
    db.close();
  }
};

describe('sensitive traits', { timeout: 30_000 }, () => {
  it('are replaced by a marker in traits, context.traits and track properties; other traits stay', async () => {
    c = await startTestCollector();
    const events = [
      identify({ email: 'ann@example.com', phone: '+44 20 7946 0000', plan: 'pro' }, { traits: { email: 'ann@example.com' } }),
      trackEvent('Signed Up', { email: 'ann@example.com', source: 'footer' }),
    ];
    expect((await c.post(batchOf(events), { path: '/v1/batch?site=shop' })).status).toBe(200);
    const [stored, signup] = payloads('shop');
    expect(stored.traits).toEqual({ email: removedMarker('shop', 'ann@example.com'), phone: removedMarker('shop', '+44 20 7946 0000'), plan: 'pro' });
    expect(stored.context.traits.email).toEqual({ removed: traitDigest('shop', 'ann@example.com') });
    expect(signup.properties).toEqual({ email: removedMarker('shop', 'ann@example.com'), source: 'footer' });
    expect(c.count('events', "payload LIKE '%ann@%' OR payload LIKE '%7946%'")).toBe(0);
    // The digest is of the site and the trimmed, lower-cased value: the same address written otherwise is found.
    expect(traitDigest('shop', ' ANN@example.com ')).toBe(traitDigest('shop', 'ann@example.com'));
    expect(traitDigest('other', 'ann@example.com')).not.toBe(traitDigest('shop', 'ann@example.com'));
  });

  it('follow the site’s settings: its own list, or kept where storeSensitiveTraits says so', async () => {
    c = await startTestCollector({
      sites: { sites: { keep: { writeKeys: [KEY], storeSensitiveTraits: true }, custom: { writeKeys: [KEY], sensitiveTraits: ['ssn'] } } },
    });
    const send = (site: string) => c!.post(batchOf([identify({ email: 'bo@example.com', ssn: '078-05-1120' })]), { path: `/v1/batch?site=${site}`, headers: auth });
    expect((await send('keep')).status).toBe(200);
    expect((await send('custom')).status).toBe(200);
    expect(payloads('keep')[0].traits).toEqual({ email: 'bo@example.com', ssn: '078-05-1120' });
    expect(payloads('custom')[0].traits).toEqual({ email: 'bo@example.com', ssn: removedMarker('custom', '078-05-1120') });
  });

  it('never reach the log, when the database is busy or a lookup by e-mail fails', async () => {
    const log: string[] = [];
    c = await startTestCollector({ log: (m) => log.push(m), adminToken: 'admin-token-for-sensitive-tests', busyTimeoutMs: 10, repeatedLogWindowMs: 50 });
    // Another connection holds the write lock: the batch is answered 503 and the problem logged.
    const blocker = new Database(c.dbFile);
    blocker.exec('BEGIN IMMEDIATE');
    const busy = await c.post(batchOf([identify({ email: 'cy@example.com' })]), { path: '/v1/batch?site=shop' });
    const erase = await fetch(`${c.url}/v1/visitors?site=shop&email=cy%40example.com`, { method: 'DELETE', headers: { Authorization: 'Bearer admin-token-for-sensitive-tests' } });
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(busy.status).toBe(503);
    expect(erase.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(log.length).toBeGreaterThan(0);
    expect(log.join('\n')).not.toMatch(/cy@example|cy%40example/);
    // A refused batch's answer names the problem, not the values.
    const refused = await c.post(batchOf([{ ...identify({ email: 'dee@example.com' }), timestamp: 'yesterday' }]), { path: '/v1/batch?site=shop' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toContain('dee@example.com');
    expect(log.join('\n')).not.toContain('dee@example.com');
  });
});
