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
 * connections, ends open event streams (requests that accept `text/event-stream`: they never finish by themselves, and
 * EventSource reconnects), and lets every other request in flight finish — up to `graceMs`, after
 * which the remaining connections are closed. Resolves when the server is closed.
 * Call right after `listen()`; returns the function that drains.
 */
export function drainableHttpServer(server: Server): (graceMs: number) => Promise<DrainResult> {
  const open = new Map<ServerResponse, IncomingMessage>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    open.set(res, req);
    res.once('close', () => open.delete(res));
  });
  return (graceMs) => drain(server, open, graceMs);
}

async function drain(server: Server, open: Map<ServerResponse, IncomingMessage>, graceMs: number): Promise<DrainResult> {
  const result: DrainResult = { finished: 0, cut: 0, streamsClosed: 0 };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const [res, req] of open) {
    // Its connection closes once this response is sent (after the bytes are flushed).
    res.shouldKeepAlive = false;
    // EventSource asks with `Accept: text/event-stream` (headers given to writeHead() are not readable back).
    if (req.headers.accept?.includes('text/event-stream')) {
      result.streamsClosed++;
      res.end();
    } else {
      res.once('finish', () => result.finished++);
    }
  }
  // server.close() closed the idle keep-alive connections; these catch any a half-received request
  // leaves idle later (not at once: an ended response is flushed on the next tick).
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => {
    result.cut = open.size;
    server.closeAllConnections();
  }, graceMs);
  await closed;
  clearInterval(idle);
  clearTimeout(deadline);
  return result;
}
