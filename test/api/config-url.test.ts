// A config fetched from `configUrl`, over real HTTP: fetched when nothing is cached,
// then answered from IndexedDB on the next page even with the server gone.
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { makeAttune, uniqueSite } from '../helpers';
import { CONFIG_WAIT_MS } from '../../src/api/create';

const servers: http.Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

const CONFIG = { placements: [{ id: 'hero', variants: [{ id: 'remote' }] }] };

async function configServer(body: unknown) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'If-None-Match', 'Access-Control-Expose-Headers': 'ETag', 'Cache-Control': 'no-store' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    requests.push(req.url!);
    res.writeHead(200, { ...cors, ETag: '"c1"', 'Content-Type': 'application/json' }).end(typeof body == 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/attune.json`, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('configUrl', () => {
  it('fetches the config when none is cached, and uses the cached copy on the next page', async () => {
    const server = await configServer(CONFIG);
    const site = uniqueSite();
    const first = makeAttune({ site, configUrl: server.url });
    // Nothing cached: ready waits for the first fetch.
    await first.attune.ready;
    expect(first.attune.decide('hero').variant).toBe('remote');
    expect(server.requests).toEqual(['/attune.json']);
    expect(first.errors).toEqual([]);
    first.attune.destroy();

    await server.close();
    const second = makeAttune({ site, configUrl: server.url });
    await second.attune.ready;
    await settle();
    expect(second.attune.decide('hero')).toMatchObject({ variant: 'remote', reason: 'rule' });
    expect(second.errors).toEqual([]);
  });

  it('reports a fetched config with problems by JSON path, and runs what is valid', async () => {
    const server = await configServer({ placements: [{ id: 'hero', variants: [{ id: 'remote' }] }, { id: 'bad', variants: 'none' }] });
    const { attune, errors } = makeAttune({ configUrl: server.url });
    await attune.ready;
    expect(attune.decide('hero').variant).toBe('remote');
    expect(errors.map((e) => [e.code, e.path])).toEqual([['config-invalid', 'config.placements[1].variants']]);
  });

  it('does not let a server that never answers hold ready', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = http.createServer(() => {});
    server.on('connection', (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const { attune } = makeAttune({ configUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/slow.json` });
    let settled = false;
    attune.ready.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, CONFIG_WAIT_MS + 500));
    expect(settled).toBe(true);
    sockets.forEach((socket) => socket.destroy());
  });

  it('keeps working without a config when the URL cannot be fetched', async () => {
    const { attune, errors } = makeAttune({ configUrl: 'http://127.0.0.1:9/nothing.json' });
    await attune.ready;
    await expect.poll(() => errors.map((e) => e.code)).toContain('pull-failed');
    expect(attune.decide('hero')).toMatchObject({ variant: null, reason: 'error' });
  });
});
