import { Agent, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainableHttpServer } from './shutdown.ts';

/** A server whose `/slow` answers when `release()` is called and whose `/events` is an endless event stream. */
function fixture() {
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  const server = createServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': hello\n\n');
      return;
    }
    void released.then(() => res.end('done'));
  });
  return { server, release };
}

const keepAlive = new Agent({ keepAlive: true });

const listen = (server: Server) =>
  new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));

/** GET (keep-alive connections, or a new one each time with `agent` false); resolves with the status and body, or the error's code. */
const get = (port: number, path: string, accept = '*/*', agent: Agent | false = keepAlive) =>
  new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { Accept: accept } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });

/** Resolves once the server has `n` requests open. */
const requestsOpen = (server: Server, n: number) =>
  new Promise<void>((resolve) => {
    let seen = 0;
    server.on('request', () => ++seen === n && setImmediate(resolve));
  });

describe('drainableHttpServer', () => {
  let server: Server | undefined;
  afterEach(() => server?.closeAllConnections());

  it('refuses new connections, ends event streams at once, and lets a request in flight finish', async () => {
    const f = fixture();
    server = f.server;
    const drain = drainableHttpServer(f.server);
    const port = await listen(f.server);
    const opened = requestsOpen(f.server, 2);
    const slow = get(port, '/slow');
    const events = get(port, '/events', 'text/event-stream');
    await opened;
    const drained = drain(60_000);
    expect((await events).body).toBe(': hello\n\n'); // ended by the drain, not cut
    expect((await get(port, '/slow', '*/*', false)).error).toBe('ECONNREFUSED');
    f.release();
    expect(await slow).toEqual({ status: 200, body: 'done' });
    expect(await drained).toEqual({ finished: 1, cut: 0, streamsClosed: 1 });
  });

  it('closes what is still open at the deadline, and says so', async () => {
    const f = fixture();
    server = f.server;
    const drain = drainableHttpServer(f.server);
    const port = await listen(f.server);
    const opened = requestsOpen(f.server, 1);
    const slow = get(port, '/slow');
    await opened;
    expect(await drain(50)).toEqual({ finished: 0, cut: 1, streamsClosed: 0 });
    expect((await slow).error).toBe('ECONNRESET');
  });
});
