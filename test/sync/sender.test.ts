import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createSender, type SyncOptions } from '../../src/sync/sender';
import { openDatabase, type KeyValueStore } from '../../src/store/database';
import { eventKey } from '../../src/store/event-log';
import type { AttuneEvent } from '../../src/core/types';

let n = 0;
const T0 = Date.UTC(2026, 10, 25);
const outboxStore = () => openDatabase(`sender-test-${n++}`, { onFallback: () => {} }).store('outbox');
const event = (i: number) =>
  ({ type: 'track', event: 'E', messageId: `m${i}`, anonymousId: 'a', timestamp: new Date(T0 + i).toISOString(), properties: { i }, context: {} }) as unknown as AttuneEvent;
const entries = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k): [string, AttuneEvent] => [eventKey(event(from + k)), event(from + k)]);

const until = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

function setUp(options: SyncOptions & { endpoint?: string } = {}) {
  const outbox = outboxStore();
  const problems: { code: string; message: string }[] = [];
  const sender = createSender(
    { site: `demo-${n}`, endpoint: options.endpoint, outbox, fail: (code, _path, problem) => problems.push({ code, message: String(problem) }) },
    options,
  );
  return { sender, outbox, problems };
}
const outboxIds = async (outbox: KeyValueStore) => (await outbox.head<AttuneEvent>()).map(([, e]) => e.messageId);

describe('sender with a transport', { timeout: 15_000 }, () => {
  it('sends in recorded order, in batches of at most batchSize, and empties the outbox', async () => {
    const batches: string[][] = [];
    const { sender, outbox } = setUp({ batchSize: 20, transport: async (batch) => void batches.push(batch.map((e) => e.messageId)) });
    await sender.enqueue(entries(0, 45));
    await until(async () => (await outbox.keys()).length === 0);
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 45 }, (_, i) => `m${i}`));
  });

  it('holds a partial batch until intervalMs has passed', async () => {
    const sent: string[] = [];
    const { sender } = setUp({ batchSize: 20, intervalMs: 150, transport: async (batch) => void sent.push(...batch.map((e) => e.messageId)) });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the start-up check finds nothing
    await sender.enqueue(entries(0, 3));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sent).toEqual([]);
    await until(() => sent.length === 3);
    expect(sent).toEqual(['m0', 'm1', 'm2']);
  });

  it('keeps events through failures and retries them, without loss or repeats', async () => {
    let calls = 0;
    const sent: string[] = [];
    const { sender, outbox } = setUp({
      batchSize: 5,
      transport: async (batch) => {
        if (++calls <= 2) throw new Error('network down');
        sent.push(...batch.map((e) => e.messageId));
      },
    });
    await sender.enqueue(entries(0, 5));
    // Backoff: about 0.5-1 s after the first failure, 1-2 s after the second.
    await until(() => sent.length === 5, 10_000);
    expect(calls).toBe(3);
    expect(sent).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(await outbox.keys()).toEqual([]);
  });

  it('keeps the newest events when the outbox is over its bound, and says how many it dropped', async () => {
    const { sender, outbox, problems } = setUp({ maxOutbox: 10, batchSize: 100, intervalMs: 60_000, transport: () => Promise.reject(new Error('offline')) });
    await sender.enqueue(entries(0, 8));
    await sender.enqueue(entries(8, 14));
    expect(await outboxIds(outbox)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11', 'm12', 'm13']);
    expect(problems.filter((p) => p.code === 'outbox-full').map((p) => p.message)).toEqual([
      'Outbox over 10 events: the 4 oldest were dropped',
    ]);
  });

  it('waits while offline, and sends on coming back online', async () => {
    Object.defineProperty(navigator, 'onLine', { value: false, configurable: true });
    try {
      const sent: string[] = [];
      const { sender, outbox } = setUp({ batchSize: 2, transport: async (batch) => void sent.push(...batch.map((e) => e.messageId)) });
      await sender.enqueue(entries(0, 2));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sent).toEqual([]);
      expect(await outbox.keys()).toHaveLength(2);
      Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
      dispatchEvent(new Event('online'));
      await until(() => sent.length === 2);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
    }
  });

  it('lets one tab send while another holds the lease, and sends each event once', async () => {
    const outbox = outboxStore();
    const sent: string[] = [];
    const transport = async (batch: AttuneEvent[]) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      sent.push(...batch.map((e) => e.messageId));
    };
    const tabs = [0, 1].map(() => createSender({ site: 'two-tabs', outbox, fail: () => {} }, { batchSize: 5, intervalMs: 50, transport }));
    await Promise.all([tabs[0].enqueue(entries(0, 10)), tabs[1].enqueue(entries(10, 20))]);
    await until(async () => (await outbox.keys()).length === 0 && sent.length >= 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...sent].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
  });

  it('falls back to the lease when Web Locks refuse (a sandboxed frame), and keeps sending', async () => {
    const refusals: unknown[] = [];
    // Chromium's answer in a frame with an opaque origin: a promise rejected with SecurityError.
    const locks = {
      request: () => {
        const refusal = Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError'));
        refusals.push(refusal);
        return refusal;
      },
    };
    Object.defineProperty(navigator, 'locks', { configurable: true, value: locks });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const sent: string[] = [];
      const { sender, outbox } = setUp({ batchSize: 2, intervalMs: 50, transport: async (batch) => void sent.push(...batch.map((e) => e.messageId)) });
      await sender.enqueue(entries(0, 2));
      await until(async () => (await outbox.keys()).length === 0);
      await sender.enqueue(entries(2, 5));
      await until(async () => (await outbox.keys()).length === 0);
      expect(sent).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      // Asked once; from then on the lease is used without asking again.
      expect(refusals).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      delete (navigator as unknown as Record<string, unknown>).locks;
    }
  });

  it('sends what an earlier page left in the outbox', async () => {
    const outbox = outboxStore();
    await outbox.setMany(entries(0, 3));
    const sent: string[] = [];
    createSender({ site: 'demo', outbox, fail: () => {} }, { transport: async (batch) => void sent.push(...batch.map((e) => e.messageId)) });
    await until(() => sent.length === 3);
    expect(sent).toEqual(['m0', 'm1', 'm2']);
  });

  it('stops: after stop() no timer, online, hidden page or pagehide sends anything, and the outbox keeps it', async () => {
    const outbox = outboxStore();
    await outbox.setMany(entries(0, 3));
    const sent: string[] = [];
    const beacons: unknown[] = [];
    const sendBeacon = navigator.sendBeacon;
    navigator.sendBeacon = (...args: unknown[]) => (beacons.push(args), true);
    try {
      const sender = createSender(
        { site: 'demo', endpoint: 'http://127.0.0.1:9', outbox, fail: () => {} },
        { intervalMs: 20, transport: async (batch) => void sent.push(...batch.map((e) => e.messageId)) },
      );
      sender.stop();
      await sender.enqueue(entries(3, 4));
      await new Promise((resolve) => setTimeout(resolve, 100));
      dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
      dispatchEvent(new Event('pagehide'));
      sender.flush();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent).toEqual([]);
      expect(beacons).toEqual([]);
      expect(await outboxIds(outbox)).toEqual(['m0', 'm1', 'm2', 'm3']);
    } finally {
      navigator.sendBeacon = sendBeacon;
      dispatchEvent(new Event('pageshow'));
    }
  });
});

describe('sender over HTTP', { timeout: 15_000 }, () => {
  const servers: http.Server[] = [];
  afterEach(() => servers.splice(0).forEach((server) => server.close()));

  /** A real server on 127.0.0.1 that answers each batch with the next status in `statuses`. */
  async function collector(statuses: [number, string, Record<string, string>?][]) {
    const received: { body: { batch: AttuneEvent[]; sentAt: string; writeKey?: string }; auth?: string; url: string }[] = [];
    const server = http.createServer((req, res) => {
      const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type, Authorization', 'Access-Control-Allow-Methods': 'POST' };
      if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push({ body: JSON.parse(text), auth: req.headers.authorization, url: req.url! });
        const [status, reply, headers] = statuses.shift() ?? [200, '{}'];
        res.writeHead(status, { ...cors, 'Access-Control-Expose-Headers': 'Retry-After', ...headers }).end(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return { endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received };
  }

  it('posts Segment batches to /v1/batch with the write key as Basic auth', async () => {
    const { endpoint, received } = await collector([]);
    const { sender, outbox } = setUp({ endpoint, writeKey: 'wk_1', batchSize: 2 });
    await sender.enqueue(entries(0, 3));
    await until(async () => (await outbox.keys()).length === 0);
    expect(received.map((r) => r.body.batch.map((e) => e.messageId))).toEqual([['m0', 'm1'], ['m2']]);
    expect(received[0].url).toMatch(/^\/v1\/batch\?site=demo-\d+$/);
    expect(received[0].auth).toBe(`Basic ${btoa('wk_1:')}`);
    expect(received[0].body.writeKey).toBe('wk_1');
    expect(new Date(received[0].body.sentAt).getTime()).toBeGreaterThan(T0);
  });

  it('drops only the events a 400 names by index, and delivers the rest of their batch', async () => {
    const { endpoint, received } = await collector([[400, '{"errors":[{"index":0,"path":"event","message":"bad event"}]}']]);
    const { sender, outbox, problems } = setUp({ endpoint, batchSize: 2 });
    await sender.enqueue(entries(0, 4));
    await until(async () => (await outbox.keys()).length === 0);
    expect(received.map((r) => r.body.batch.map((e) => e.messageId))).toEqual([['m0', 'm1'], ['m1', 'm2'], ['m3']]);
    expect(problems).toEqual([{ code: 'rejected', message: '1 of 2 events refused and dropped: 400 event bad event' }]);
  });

  it('drops a whole batch when a 400 names no event, and goes on with the next', async () => {
    const { endpoint, received } = await collector([[400, '{"errors":[{"index":null,"path":"batch","message":"not a batch"}]}']]);
    const { sender, outbox, problems } = setUp({ endpoint, batchSize: 2 });
    await sender.enqueue(entries(0, 4));
    await until(async () => (await outbox.keys()).length === 0);
    expect(received.map((r) => r.body.batch.map((e) => e.messageId))).toEqual([['m0', 'm1'], ['m2', 'm3']]);
    expect(problems).toEqual([{ code: 'rejected', message: '2 of 2 events refused and dropped: 400 batch not a batch' }]);
  });

  it('reports the events a 200 lists as rejected, and does not send the batch again', async () => {
    const { endpoint, received } = await collector([[200, '{"stored":2,"duplicates":0,"rejected":[{"index":1,"path":"timestamp","message":"not a real date"}]}']]);
    const { sender, outbox, problems } = setUp({ endpoint, batchSize: 3 });
    await sender.enqueue(entries(0, 3));
    await until(async () => (await outbox.keys()).length === 0);
    expect(received).toHaveLength(1);
    expect(problems).toEqual([{ code: 'rejected', message: '1 of 3 events refused and dropped: timestamp not a real date' }]);
  });

  it('gives up on a request that hangs, and delivers its events on a retry', async () => {
    let calls = 0;
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type' };
    const server = http.createServer((req, res) => {
      req.resume();
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      // The first batch is never answered.
      if (++calls > 1) req.on('end', () => res.writeHead(200, cors).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { sender, outbox } = setUp({ endpoint, batchSize: 2, timeoutMs: 300 });
    await sender.enqueue(entries(0, 2));
    await until(async () => (await outbox.keys()).length === 0, 5000);
    expect(calls).toBe(2);
    server.closeAllConnections();
  });
  it('retries 500, 503 and 429, honouring Retry-After', async () => {
    const { endpoint, received } = await collector([
      [500, 'oops'],
      [429, 'slow down', { 'Retry-After': '1' }],
    ]);
    const { sender, outbox, problems } = setUp({ endpoint, batchSize: 3 });
    await sender.enqueue(entries(0, 3));
    await until(() => received.length === 2, 8000);
    const rateLimitedAt = Date.now();
    await until(async () => (await outbox.keys()).length === 0, 6000);
    expect(Date.now() - rateLimitedAt).toBeGreaterThanOrEqual(900);
    expect(received).toHaveLength(3);
    expect(received.every((r) => r.body.batch.length === 3)).toBe(true);
    expect(problems).toEqual([]);
  });
});
