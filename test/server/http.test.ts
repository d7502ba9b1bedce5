// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector } from '../../server';
import { workerModule } from './worker-module';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

let c: TestCollector;
afterEach(() => c.stop());

const SHOP = 'https://shop.example';

describe('CORS', () => {
  it('allows the demo origin by default', async () => {
    c = await startTestCollector();
    const res = await fetch(`${c.url}/v1/stats`, { headers: { Origin: 'http://127.0.0.1:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('answers a preflight from an allowed origin', async () => {
    c = await startTestCollector({ origins: [SHOP, 'https://other.example'] });
    const res = await fetch(`${c.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { Origin: SHOP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);
    const post = await c.post(batchOf([trackEvent('A')]), { headers: { Origin: SHOP } });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('refuses other origins, preflight or not, and stores nothing from them', async () => {
    c = await startTestCollector({ origins: [SHOP] });
    const preflight = await fetch(`${c.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // A text/plain beacon needs no preflight: the collector itself must refuse it.
    const beacon = await c.post(batchOf([trackEvent('A')]), { contentType: 'text/plain', headers: { Origin: 'https://evil.example' } });
    expect(beacon.status).toBe(403);
    expect((await beacon.json()).error).toMatch(/not allowed/);
    expect(c.count()).toBe(0);
    expect((await fetch(`${c.url}/v1/stats`, { headers: { Origin: 'http://127.0.0.1:5173' } })).status).toBe(403);
  });

  it('lets requests without an Origin through (servers, curl), and "*" allows any origin', async () => {
    c = await startTestCollector({ origins: [SHOP] });
    expect((await c.post(batchOf([trackEvent('A')]))).status).toBe(200);
    await c.stop();
    c = await startTestCollector({ origins: ['*'] });
    const res = await fetch(`${c.url}/healthz`, { headers: { Origin: 'https://anyone.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://anyone.example');
  });
});

describe('routing and lifecycle', () => {
  it('answers /healthz, 404 for unknown paths and 405 with Allow for wrong methods', async () => {
    c = await startTestCollector();
    expect(await (await fetch(`${c.url}/healthz`)).json()).toEqual({ ok: true });
    expect((await fetch(`${c.url}/v2/batch`)).status).toBe(404);
    const wrong = await fetch(`${c.url}/v1/batch`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await fetch(`${c.url}/v1/stats`, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('listens on 127.0.0.1 by default and reports its URL and port', async () => {
    c = await startTestCollector();
    expect(c.url).toBe(`http://127.0.0.1:${c.port}`);
    expect(c.port).toBeGreaterThan(0);
  });

  it('rejects when the port is taken, and closes idempotently', async () => {
    c = await startTestCollector();
    await expect(startCollector({ port: c.port, db: ':memory:', log: () => undefined })).rejects.toThrow(/EADDRINUSE/);
    const memory = await startCollector({ port: 0, db: ':memory:' });
    await Promise.all([memory.close(), memory.close()]);
    await expect(fetch(`${memory.url}/healthz`)).rejects.toThrow();
  });

  it('keeps its data across a restart on the same file', async () => {
    c = await startTestCollector();
    const e = trackEvent('Variant Viewed', { placement: 'p', variant: 'v' });
    await c.post(batchOf([e]));
    await c.close();
    const again = await startCollector({ port: 0, db: c.dbFile, workerModule: await workerModule() });
    try {
      const res = await fetch(`${again.url}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batchOf([e])) });
      expect(await res.json()).toEqual({ stored: 0, duplicates: 1, rejected: [] });
      expect((await (await fetch(`${again.url}/v1/stats`)).json()).variants[0].impressions).toBe(1);
    } finally {
      await again.close();
    }
  });
});
