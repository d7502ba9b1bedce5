// forget() asks the collector to erase the visitor: the request waits in the outbox
// like an event while the collector is down, goes alone to /v1/forget with the device's
// erasure secret, and is delivered once. Batches carry only the secret's hash.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttuneEvent } from '../../src/core/types';
import { openDatabase } from '../../src/store/database';
import { eventKey } from '../../src/store/event-log';
import { erasureRecord, forgetRequest } from '../../src/sync/erasure';
import { createSender } from '../../src/sync/sender';
import { makeAttune } from '../helpers';

const servers: http.Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => (server.closeAllConnections(), server.close())));

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Received {
  path: string;
  body: Record<string, any>;
}

/** A collector stand-in on 127.0.0.1 that answers 503 while `down`, else 200 (or `forgetStatus` for forget requests). */
async function collector() {
  const state = { down: false, forgetStatus: 200, received: [] as Received[] };
  const server = http.createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type, Authorization', 'Access-Control-Allow-Methods': 'POST' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (req.method !== 'POST') return void (req.resume(), res.writeHead(404, cors).end('{}'));
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      if (state.down) return void res.writeHead(503, cors).end('{"error":"down"}');
      const path = req.url!.split('?')[0];
      state.received.push({ path, body: JSON.parse(text) });
      const status = path === '/v1/forget' ? state.forgetStatus : 200;
      res.writeHead(status, cors).end(status === 200 ? '{"stored":1,"rejected":[]}' : '{"error":"the erasure secret does not match"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, state };
}

describe('forget() on the collector', { timeout: 30_000 }, () => {
  it('waits in the outbox while the collector is down, then is delivered once with the secret whose hash the batches carried', async () => {
    const { endpoint, state } = await collector();
    const { attune } = makeAttune({ endpoint, sync: { intervalMs: 50, writeKey: 'wk_forget_unit_test_000' } });
    await attune.ready;
    attune.track('Before');
    await attune.flush();
    await until(() => state.received.some((r) => r.path === '/v1/batch'));
    const [batch] = state.received;
    const oldId = (await attune.export())!.anonymousId;
    expect(batch.body.erasureKey).toEqual({ anonymousId: oldId, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The secret itself never travels with events.
    expect(JSON.stringify(batch.body)).not.toMatch(/secret/);

    state.down = true;
    await attune.forget();
    expect(await attune.outboxSize()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await attune.outboxSize()).toBe(1);
    state.down = false;
    await until(async () => (await attune.outboxSize()) === 0);
    const forgets = state.received.filter((r) => r.path === '/v1/forget');
    expect(forgets).toHaveLength(1);
    expect(forgets[0].body).toMatchObject({ anonymousId: oldId, writeKey: 'wk_forget_unit_test_000' });
    expect(sha256(forgets[0].body.secret)).toBe(batch.body.erasureKey.hash);

    // A new id, with a secret of its own, registered by the next batch.
    const newId = (await attune.export())!.anonymousId;
    expect(newId).not.toBe(oldId);
    attune.track('After');
    await attune.flush();
    await until(() => state.received.filter((r) => r.path === '/v1/batch').length === 2);
    const after = state.received.filter((r) => r.path === '/v1/batch')[1].body;
    expect(after.erasureKey.anonymousId).toBe(newId);
    expect(after.erasureKey.hash).not.toBe(batch.body.erasureKey.hash);
    expect(after.batch.map((e: AttuneEvent) => e.anonymousId)).toEqual([newId]);
  });

  it('is sent by the next page’s sender from the outbox, alone, and dropped (reported) when refused', async () => {
    const { endpoint, state } = await collector();
    state.forgetStatus = 403;
    const outbox = openDatabase(`forget-test-${Date.now()}`, { onFallback: () => {} }).store('outbox');
    const record = (await erasureRecord(undefined, 'anon-old'))!;
    const request = forgetRequest(record, 'user-1');
    // Timed from the request's own timestamp, so the outbox's order does not depend on how
    // many milliseconds pass between the lines (on a loaded CI machine, event 0 sorted after it).
    const base = Date.parse(request.timestamp);
    const event = (i: number) => ({ type: 'track', event: 'E', messageId: `m${i}`, anonymousId: 'anon-new', timestamp: new Date(base + i).toISOString() }) as AttuneEvent;
    // What an earlier page left: an event, the forget request, two more events.
    await outbox.setMany([event(-1), request, event(5), event(6)].map((e): [string, AttuneEvent] => [eventKey(e), e]));
    const problems: string[] = [];
    createSender({ site: 'shop', endpoint, outbox, fail: (_c, _p, problem) => problems.push(String(problem)) }, { intervalMs: 50 });
    await until(async () => (await outbox.keys()).length === 0);
    expect(state.received.map((r) => r.path)).toEqual(['/v1/batch', '/v1/forget', '/v1/batch']);
    expect(state.received[1].body).toMatchObject({ anonymousId: 'anon-old', userId: 'user-1', secret: record.secret });
    expect(state.received[2].body.batch.map((e: AttuneEvent) => e.messageId)).toEqual(['m5', 'm6']);
    expect(problems).toEqual([expect.stringMatching(/^1 of 1 events refused and dropped: 403/)]);
  });

  it('without an endpoint or a transport, forgets on the device only, without a problem', async () => {
    const { attune, errors } = makeAttune();
    await attune.ready;
    attune.track('Before');
    await attune.flush();
    const before = (await attune.export())!.anonymousId;
    await attune.forget();
    expect((await attune.export())!.anonymousId).not.toBe(before);
    expect(await attune.outboxSize()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('never hands the erasure secret to a transport', async () => {
    const shipped: AttuneEvent[] = [];
    const { attune } = makeAttune({ sync: { intervalMs: 50, transport: async (batch) => void shipped.push(...batch) } });
    await attune.ready;
    attune.track('Before');
    await attune.flush();
    await until(() => shipped.length === 1);
    await attune.forget();
    await until(async () => (await attune.outboxSize()) === 0);
    expect(JSON.stringify(shipped)).not.toMatch(/forget|secret/);
  });
});
