// @vitest-environment node
// Webhooks against a real HTTP receiver on 127.0.0.1: signed as server/README.md
// documents (its snippet is run here), carrying only the chosen traits, and delivered
// exactly once after retries, also when the receiver was down and across a restart.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../../server';
import { collectorFor, event, fakeClock, MINUTE, post, queued, SECRET, signals, SITE, startReceiver, T0, tempDir } from './fixture';

type Verify = (body: string, header: unknown, secret: string, options?: { toleranceSeconds?: number; now?: number }) => boolean;

let dir: Awaited<ReturnType<typeof tempDir>>;
let clock: ReturnType<typeof fakeClock>;
const running: RunningCollector[] = [];

beforeEach(async () => {
  dir = await tempDir();
  clock = fakeClock();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
  await dir.remove();
});

// The README's verification snippet, as a module of its own.
async function readmeRecipe(): Promise<Verify> {
  const readme = readFileSync(new URL('../../../server/README.md', import.meta.url), 'utf8');
  const code = /<!-- verify-signature[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('server/README.md has no verify-signature snippet');
  const file = `${dir.file('verify')}.mjs`;
  await writeFile(file, code);
  return ((await import(pathToFileURL(file).href)) as { verifyAttuneSignature: Verify }).verifyAttuneSignature;
}

const hooked = (url: string, delivery: Record<string, number> = {}, traits = ['plan', 'email']) =>
  [{ cartAbandonedMinutes: 30 }, { webhooks: [{ url, events: ['Cart Abandoned'], secret: SECRET, traits }] }, delivery] as const;

async function start(url: string, delivery: Record<string, number> = {}, traits?: string[]) {
  const [triggers, rest] = hooked(url, delivery, traits);
  const c = await collectorFor(dir.file(), clock.now, { triggers, ...rest }, { triggers: { intervalMs: 3600_000, delivery: { pollMs: 20, ...delivery } } });
  running.push(c);
  return c;
}

const abandon = (c: RunningCollector, visitors: string[]) =>
  post(c, visitors.map((v) => event(v, 'Product Added', { product_id: 'boot', price: 120 }, T0)));

describe('webhook deliveries', () => {
  it('are signed as the README says, with the idempotency id, the user id and only the chosen traits', async () => {
    const receiver = await startReceiver();
    const c = await start(receiver.url);
    await post(c, [
      event('ada', null, {}, T0, { type: 'identify', userId: 'u-ada', traits: { plan: 'gold', email: 'ada@example.com', address: 'secret street' } }),
      event('ada', 'Product Added', { product_id: 'boot', price: 120 }, T0, { userId: 'u-ada' }),
    ]);
    clock.set(T0 + 31 * MINUTE);
    await c.runTriggers();
    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received;
    const verify = await readmeRecipe();
    expect(verify(body, headers['attune-signature'], SECRET, { now: clock.now() })).toBe(true);
    expect(verify(body.replace('120', '1'), headers['attune-signature'], SECRET, { now: clock.now() })).toBe(false);
    expect(verify(body, headers['attune-signature'], 'another-secret-0123456789abc', { now: clock.now() })).toBe(false);
    expect(verify(body, headers['attune-signature'], SECRET, { now: clock.now() + 10 * MINUTE })).toBe(false);
    const parsed = JSON.parse(body);
    expect(headers['idempotency-key']).toBe(parsed.id);
    expect(headers['attune-event']).toBe('Cart Abandoned');
    // email is sensitive and the site does not store sensitive traits; address was never chosen.
    expect(parsed).toEqual({
      id: expect.stringMatching(/^whd_/),
      event: 'Cart Abandoned',
      site: SITE,
      messageId: signals(dir.file())[0].payload.messageId,
      timestamp: new Date(T0 + 31 * MINUTE).toISOString(),
      userId: 'u-ada',
      anonymousId: 'ada',
      traits: { plan: 'gold' },
      properties: expect.objectContaining({ value: 120 }),
    });
    await receiver.down();
  });

  it('reach a receiver that was down once it is up: each exactly once, after retries', async () => {
    const receiver = await startReceiver();
    await receiver.down();
    const c = await start(receiver.url, { baseDelayMs: 1000 });
    await abandon(c, ['v1', 'v2', 'v3']);
    clock.set(T0 + 31 * MINUTE);
    await c.runTriggers();
    clock.advance(1000);
    await c.runTriggers();
    expect(receiver.received).toHaveLength(0);
    expect(queued(dir.file()).map((d) => d.attempts)).toEqual([2, 2, 2]);
    await receiver.up();
    clock.advance(60_000);
    await c.runTriggers();
    clock.advance(600_000);
    await c.runTriggers();
    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.anonymousId).sort()).toEqual(['v1', 'v2', 'v3']);
    expect(new Set(receiver.received.map((r) => r.headers['idempotency-key'])).size).toBe(3);
    await receiver.down();
  });

  it('survive a collector restart on the same SQLite file, and are not sent twice', async () => {
    const receiver = await startReceiver();
    await receiver.down();
    const first = await start(receiver.url, { baseDelayMs: 1000 });
    await abandon(first, ['w1', 'w2']);
    clock.set(T0 + 31 * MINUTE);
    await first.runTriggers();
    expect(queued(dir.file()).map((d) => d.attempts)).toEqual([1, 1]);
    await first.close();
    await receiver.up();
    const second = await start(receiver.url, { baseDelayMs: 1000 });
    clock.advance(5000);
    await second.runTriggers();
    clock.advance(3600_000);
    await second.runTriggers();
    expect(receiver.received.map((r) => JSON.parse(r.body).anonymousId).sort()).toEqual(['w1', 'w2']);
    expect(signals(dir.file())).toHaveLength(2);
    expect(queued(dir.file())).toEqual([]);
    await receiver.down();
  });

  it('give up on a receiver that does not answer within the timeout, and try again later', async () => {
    // A receiver that reads the request and never answers.
    const { createServer } = await import('node:http');
    const silent = createServer((req) => req.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}/attune`;
    const log: string[] = [];
    const [triggers, rest] = hooked(url);
    const c = await collectorFor(dir.file(), clock.now, { triggers, ...rest }, { log: (m) => log.push(m), triggers: { intervalMs: 3600_000, delivery: { pollMs: 20, timeoutMs: 200, maxAttempts: 2, baseDelayMs: 1000 } } });
    running.push(c);
    await abandon(c, ['y1']);
    clock.set(T0 + 31 * MINUTE);
    const started = Date.now();
    await c.runTriggers();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(queued(dir.file()).map((d) => d.attempts)).toEqual([1]);
    clock.advance(1000);
    await c.runTriggers();
    expect(queued(dir.file())).toEqual([]);
    expect(log.join('\n')).toMatch(/dropped after 2 tries: no answer within 200 ms/);
    silent.closeAllConnections();
    silent.close();
  });

  it('are dropped after the last try, and the drop is logged without the body', async () => {
    const receiver = await startReceiver(() => 500);
    const log: string[] = [];
    const [triggers, rest] = hooked(receiver.url);
    const c = await collectorFor(dir.file(), clock.now, { triggers, ...rest }, { log: (m) => log.push(m), triggers: { intervalMs: 3600_000, delivery: { pollMs: 20, maxAttempts: 2, baseDelayMs: 1000 } } });
    running.push(c);
    await abandon(c, ['x1']);
    clock.set(T0 + 31 * MINUTE);
    await c.runTriggers();
    clock.advance(1000);
    await c.runTriggers();
    clock.advance(3600_000);
    await c.runTriggers();
    expect(receiver.received).toHaveLength(0);
    await c.close();
    const dropped = log.filter((line) => line.includes('webhook delivery'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatch(/dropped after 2 tries: HTTP 500/);
    expect(dropped[0]).not.toContain('boot');
    await receiver.down();
  });
});
