// @vitest-environment node
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from './helpers';

let c: TestCollector;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await c.stop();
});

// A raw client: what it has received so far, and when the server closed the connection.
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed, connected, received: () => received };
}

// Writes `text` one byte every `everyMs`, until the socket closes.
function dribble(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

const LIMITS = { headersTimeoutMs: 300, bodyTimeoutMs: 300, keepAliveTimeoutMs: 300, maxConnections: 8 };

describe('slow and idle connections', () => {
  it('answers 408 with a reason to a client that dribbles its headers, within the timeout', async () => {
    c = await startTestCollector(LIMITS);
    const client = rawClient(c.port);
    const started = Date.now();
    dribble(client.socket, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(200), 20);
    const answer = await client.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/Connection: close/i);
    expect(answer).toMatch(/headers are expected within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('answers 408 with a reason to a client that dribbles its body, within the timeout', async () => {
    c = await startTestCollector(LIMITS);
    const client = rawClient(c.port);
    await client.connected;
    const started = Date.now();
    client.socket.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    dribble(client.socket, '{"batch":[' + ' '.repeat(900), 20);
    const answer = await client.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/Connection: close/i);
    expect(answer).toMatch(/body was not received within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(c.count()).toBe(0);
  });

  it('keeps answering /healthz with the cap’s worth of idle connections open, closing the oldest idle one with a 503', async () => {
    c = await startTestCollector({ ...LIMITS, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 10_000 });
    const idle = Array.from({ length: LIMITS.maxConnections }, () => rawClient(c.port));
    await Promise.all(idle.map((client) => client.connected));
    // Half of them have started a request and stalled; the others said nothing at all.
    idle.slice(0, 4).forEach((client) => client.socket.write('GET /healthz HTTP/1.1\r\n'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const res = await fetch(`${c.url}/healthz`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
    const shed = await idle[0].closed;
    expect(shed).toMatch(/^HTTP\/1\.1 503/);
    expect(shed).toMatch(/too many connections/);
    expect(idle.slice(1).every((client) => !client.socket.destroyed)).toBe(true);
  });

  it('refuses a new connection with a 503 and a reason when every open one is busy', async () => {
    c = await startTestCollector({ ...LIMITS, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, maxConnections: 3 });
    const busy = Array.from({ length: 3 }, () => rawClient(c.port));
    await Promise.all(busy.map((client) => client.connected));
    // Requests in progress: headers in, body still coming.
    for (const client of busy) client.socket.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = rawClient(c.port);
    const answer = await late.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(answer).toMatch(/Retry-After: 1/i);
    expect(answer).toMatch(/too many connections \(at most 3\) are busy/);
    expect(busy.every((client) => !client.socket.destroyed)).toBe(true);
  });
});
