import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How the drain of {@link drainableHttpServer} went: requests that finished and those cut at the deadline. */
export interface DrainResult {
  /** Requests in flight when the drain began that completed with their response. */
  finished: number;
  /** Requests still open at the deadline, whose connections were closed (0 in a clean drain). */
  cut: number;
  /** Event streams (console SSE) closed at once: their clients reconnect to another instance. */
  streamsClosed: number;
}

/**
 * Graceful stop of an HTTP server (SIGTERM during a rolling restart): stops accepting connections
 * at once (the load balancer's next attempt goes to another instance), closes idle keep-alive
 * connections, ends open event streams (`text/event-stream`: they never finish by themselves, and
 * EventSource reconnects), and lets every other request in flight finish — up to `graceMs`, after
 * which the remaining connections are closed. Resolves when the server is closed.
 * Call right after `listen()`; returns the function that drains.
 */
export function drainableHttpServer(server: Server): (graceMs: number) => Promise<DrainResult> {
  const open = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  return (graceMs) => drain(server, open, graceMs);
}

async function drain(server: Server, open: Set<ServerResponse>, graceMs: number): Promise<DrainResult> {
  const result: DrainResult = { finished: 0, cut: 0, streamsClosed: 0 };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const res of open) {
    if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) {
      result.streamsClosed++;
      res.end();
    } else {
      res.once('finish', () => result.finished++);
    }
  }
  // A keep-alive connection becomes idle once its response is sent: close it then, not at the deadline.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  const deadline = setTimeout(() => {
    result.cut = open.size;
    server.closeAllConnections();
  }, graceMs);
  await closed;
  clearInterval(idle);
  clearTimeout(deadline);
  return result;
}
